# The benchmark of scripts/loadtest.sh (which sources this file): the servers of LT_SERVERS (chorus ejabberd prosody),
# one after the other, each started alone, the same scenarios against each, then one comparison of all runs
# (generator compare: text and HTML with bar charts, each figure's ratio to the first server's).
#
#   bench quick   small runs of every scenario, to prove the setup (minutes per server)
#   bench full    idle 10,000 and 19,000, login storms, chat, sweep, presence, offline, mixed
#   bench table   issue 18's table: 5000 logins offered at 1000/s with 100 in flight; 5000 idle sessions (RSS per
#                 session, server CPU while idle); a cold-start login storm (restart, 1000 logins at 100/s; for
#                 Chorus again with the node on Java 25 and its ahead-of-time cache where a JDK 25 is); chat at
#                 8000 and 11000 msg/s (1000 users); a sweep 1000, 2000 ... 14000 msg/s for the highest rate with
#                 p99 < 50 ms; chat with every message archived (restart with LT_MAM=1)
#   bench failover  Chorus only: a three-node cluster, chat at 200/s, one node killed with SIGKILL (bench_failover),
#                   once with clients without XEP-0198 and once with
#
# Each server's start writes `uptime` into bench-TIME.load beside the comparison, and each run its load at start.
# shellcheck shell=bash

server_target() {
  case $1 in
    chorus) echo "$C_BIND:$C_PORT" ;;
    prosody) echo "127.0.0.1:$P_PORT" ;;
    ejabberd) echo "127.0.0.1:$E_PORT" ;;
    *) die "unknown server $1 (chorus, ejabberd, prosody)" ;;
  esac
}

# run LABEL PIDS SCENARIO ARGS...: one scenario against the server LABEL, its result.json path appended to $RESULTS.
run() {
  local label=$1 pids=$2 scenario=$3 out p
  shift 3
  local pidargs=()
  for p in $pids; do pidargs+=(--server-pid "$p"); done
  local extra=(-t "$(server_target "$label")")
  if [[ $label == chorus ]]; then
    extra+=(--server-heap --chorus-admin "http://127.0.0.1:$C_ADMIN" --chorus-token "$C_DATA/admin.token")
  fi
  say "$label: $scenario $*"
  out=$(generator "$scenario" -d "$DOMAIN" --label "$label" --out "$LT_OUT" --scram-cache "$LT_DIR/scram-$label.cache" \
    "${extra[@]}" "${pidargs[@]}" "$@" | tee -a /dev/stderr | sed -n 's/^reports: \(.*\)\/summary.txt.*/\1/p') || true
  [[ -n $out ]] && echo "$out/result.json" >>"$RESULTS"
}

provision() {
  local label=$1 n=$2
  if [[ $label == chorus ]]; then
    generator provision -n "$n" -d "$DOMAIN" --chorus-admin "http://127.0.0.1:$C_ADMIN" --chorus-token "$C_DATA/admin.token"
  else
    generator provision -n "$n" -d "$DOMAIN" --in-band -t "$(server_target "$label")" --parallel 16
  fi
}

# bench_start LABEL: starts the server, notes the machine's load, sets PIDS to the processes to watch. (Not in a
# $(...): the server's output pipes would hold the substitution open until it exits.)
bench_start() {
  "${1}_start"
  echo "$(date -u +%H:%M:%S) $1 started$([[ ${LT_MAM:-0} == 1 ]] && echo " with MAM"): $(uptime)" | tee -a "$LOADS" >&2
  PIDS=$("${1}_pids")
}

# The accounts, and a first pass of every account against the server just started: it fills the SCRAM cache, warms
# the JITs and loads the accounts into the server's memory (Chorus recovers each account's entities from Cassandra at
# its first login after a start), so the runs after it measure warm logins. Always run, even when an earlier bench
# filled the cache: that earlier run warmed another server process. (Until 2026-12-06 it was skipped then, and the
# "5000 at 1000/s" rows of such benches measured every account's first login since the start.)
bench_prepare() {
  local label=$1 n=$2
  [[ ${LT_PROVISION:-1} == 1 ]] && provision "$label" "$n"
  generator login -n "$n" -d "$DOMAIN" --label "$label-warmup" --scram-cache "$LT_DIR/scram-$label.cache" \
    -t "$(server_target "$label")" --login-rate 0 --login-concurrency 100 >/dev/null || true
}

bench_scenarios() {
  local label=$1 pids=$2 mode=$3
  local idle_small idle_big login_n login_rate sweep_users rest_users chat_rate
  case $mode in
    quick) idle_small=500 idle_big=1000 login_n=500 login_rate=20 sweep_users=200 rest_users=200 chat_rate=50 ;;
    # 19000: the most sessions one process can hold here (ulimit -Hn is 20000 and cannot be raised).
    full) idle_small=10000 idle_big=19000 login_n=5000 login_rate=40 sweep_users=1000 rest_users=1000 chat_rate=200 ;;
  esac
  bench_prepare "$label" "$idle_big"
  run "$label" "$pids" idle --variant "$idle_small" -n "$idle_small" --login-rate 1000 --hold 20
  run "$label" "$pids" idle --variant "$idle_big" -n "$idle_big" --login-rate 1000 --hold 20
  # Throughput (as fast as 200 logins in flight allow), then latency at a rate the server can take.
  run "$label" "$pids" login --variant max -n "$login_n" --login-rate 0 --login-concurrency 200
  run "$label" "$pids" login --variant "${login_rate}per_s" -n "$((login_rate * 30))" --login-rate "$login_rate"
  run "$label" "$pids" chat -n "$sweep_users" --rate "$chat_rate" --duration 30
  run "$label" "$pids" sweep -n "$sweep_users" --start-rate 200 --factor 1.5 --step 15 --p99-limit 100
  run "$label" "$pids" presence -n "$rest_users" --contacts 10 --rate 100 --duration 20
  run "$label" "$pids" offline -n "$rest_users" --messages 5 --rate 500
  run "$label" "$pids" mixed -n "$rest_users" --rate 500 --duration 30
  "${label}_stop"
}

# Issue 18's table. Chat: 1000 users, 100-character bodies, 5 s of warm-up, 30 s measured.
bench_table() {
  local label=$1 pids=$2
  bench_prepare "$label" 5000
  run "$label" "$pids" login --variant 5000at1000 -n 5000 --login-rate 1000 --login-concurrency 100
  run "$label" "$pids" idle --variant 5000 -n 5000 --login-rate 1000 --login-concurrency 100 --hold 30
  run "$label" "$pids" chat --variant 8000 -n 1000 --rate 8000 --duration 30 --warmup 5
  run "$label" "$pids" chat --variant 11000 -n 1000 --rate 11000 --duration 30 --warmup 5
  run "$label" "$pids" sweep --variant 1k-14k -n 1000 --start-rate 1000 --increment 1000 --max-rate 14000 --step 10 \
    --drain 3 --p99-limit 50 --refine 0
  # Cold start: the server restarted, then the first 1000 accounts at 100/s (their SCRAM keys are cached).
  "${label}_stop"
  bench_start "$label"
  run "$label" "$PIDS" login --variant coldstart -n 1000 --login-rate 100 --login-concurrency 100
  "${label}_stop"
  [[ $label == chorus ]] && bench_coldstart_java25
  LT_MAM=1 bench_start "$label"
  run "$label" "$PIDS" chat --variant 2000mam -n 1000 --rate 2000 --duration 30 --warmup 5
  "${label}_stop"
}

# The cold start again with the node on Java 25 and its ahead-of-time cache (scripts/node-jvm.sh), where a JDK 25 is
# installed (CHORUS_JAVA25_HOME, else Temurin's path) and the table's node is not on it already: a run that records
# (a pass over 1000 accounts, a clean stop), then a start that makes and uses the cache, and the same storm
# (variant coldstart-java25aot). The cache stays in the node's data directory for later runs of the same build.
bench_coldstart_java25() {
  local j25=${CHORUS_JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  [[ -x $j25/bin/java && -z ${LT_CHORUS_JAVA_HOME:-} ]] || return 0
  # Records when this build has no cache yet; with one, it is merely a warm run.
  LT_CHORUS_JAVA_HOME=$j25 chorus_start
  generator login -n 1000 -d "$DOMAIN" --label chorus-java25-training --scram-cache "$LT_DIR/scram-chorus.cache" \
    -t "$(server_target chorus)" --login-rate 0 --login-concurrency 100 >/dev/null || true
  chorus_stop
  LT_CHORUS_JAVA_HOME=$j25 bench_start chorus
  run chorus "$PIDS" login --variant coldstart-java25aot -n 1000 --login-rate 100 --login-concurrency 100
  chorus_stop
}

# A fail-over run (issue 18), Chorus only: ejabberd and Prosody run as one process each here. Three nodes of
# scripts/cluster-local.sh (with their own Cassandra: CHORUS_CLUSTER_CASSANDRA_CQL_PORT/_STORAGE_PORT), 600 accounts
# over them, chat at 200/s; after 20 s node 3 (LT_FAILOVER_VICTIM: 1 is the oldest node, which holds sharding's
# coordinators) is killed with SIGKILL and its users log in again at the next node. The
# clients come from eight source addresses (LT_FAILOVER_SOURCE [127.0.20.1-8]): the nodes keep their default cap of
# 100 connections per address. CHORUS_CLUSTER_NET and CHORUS_CLUSTER_ADMIN_BASE move the cluster (cluster-local.sh).
# It runs twice, each on a fresh cluster: clients without XEP-0198 (label chorus-3nodes), then clients with it
# (chorus-3nodes-sm: they send again after the re-login what the dead node never acknowledged, XEP-0198 §4).
bench_failover() {
  local variant=${1:-plain} cl=$ROOT/scripts/cluster-local.sh base=$ROOT/.chorus/cluster i out label=chorus-3nodes
  local smargs=()
  if [[ $variant == sm ]]; then label=chorus-3nodes-sm; smargs=(--stream-management); fi
  # Where scripts/cluster-local.sh puts its nodes (the same variables and defaults).
  local net=${CHORUS_CLUSTER_NET:-127.0.0} admin=${CHORUS_CLUSTER_ADMIN_BASE:-5290}
  # The node killed (LT_FAILOVER_VICTIM [3]): node 1 is the oldest, so it holds sharding's coordinators.
  local victim=${LT_FAILOVER_VICTIM:-3} pidargs=()
  [[ $victim =~ ^[123]$ ]] || die "LT_FAILOVER_VICTIM must be 1, 2 or 3"
  "$cl" start 3 >&2
  for i in 1 2 3; do
    ((i == victim)) || pidargs+=(--server-pid "node$i=$(cat "$base/node-$i/node.pid")")
  done
  pidargs+=(--server-pid "cassandra=$(cat "$base/cassandra/cassandra.pid")")
  echo "$(date -u +%H:%M:%S) chorus cluster of 3 started: $(uptime)" | tee -a "$LOADS" >&2
  generator provision -n 600 -d "$DOMAIN" --chorus-admin "http://127.0.0.1:$((admin + 1))" \
    --chorus-token "$base/node-1/admin.token" --parallel 8 || { "$cl" stop >&2 || true; die "provisioning failed"; }
  say "$label: failover"
  out=$(generator failover -t "$net.2:5222,$net.3:5222,$net.4:5222" -d "$DOMAIN" --label "$label" "${smargs[@]}" \
    --out "$LT_OUT" --scram-cache "$LT_DIR/scram-cluster.cache" --source "${LT_FAILOVER_SOURCE:-127.0.20.1-8}" \
    -n 600 --rate 200 --before "${LT_FAILOVER_BEFORE:-20}" --after 60 --kill-pid "$(cat "$base/node-$victim/node.pid")" \
    --kill-target "$net.$((victim + 1)):5222" \
    "${pidargs[@]}" | tee -a /dev/stderr | sed -n 's/^reports: \(.*\)\/summary.txt.*/\1/p') || true
  [[ -n $out ]] && echo "$out/result.json" >>"$RESULTS"
  "$cl" stop >&2 || true
}

bench() {
  local mode=${1:-quick} label
  [[ $mode =~ ^(quick|full|table|failover)$ ]] || die "bench quick|full|table|failover"
  local stamp
  stamp=$(date +%Y%m%d-%H%M%S)
  RESULTS=$LT_OUT/bench-$stamp.list
  LOADS=$LT_OUT/bench-$stamp.load
  mkdir -p "$LT_OUT"
  : >"$RESULTS"
  : >"$LOADS"
  for label in ${LT_SERVERS:-chorus ejabberd prosody}; do
    if [[ $mode == failover ]]; then
      bench_failover plain
      bench_failover sm
      break
    fi
    server_target "$label" >/dev/null
    LT_MAM=0 bench_start "$label"
    if [[ $mode == table ]]; then bench_table "$label" "$PIDS"; else bench_scenarios "$label" "$PIDS" "$mode"; fi
  done
  # shellcheck disable=SC2046
  generator compare $(cat "$RESULTS") --html "$LT_OUT/compare-bench-$stamp.html" | tee "$LT_OUT/compare-bench-$stamp.txt"
  say "comparison: $LT_OUT/compare-bench-$stamp.html (loads at each start: $LOADS)"
}
