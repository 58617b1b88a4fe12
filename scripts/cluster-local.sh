#!/usr/bin/env bash
# A Chorus cluster on this machine: N nodes (default 3) on 127.0.0.2, 127.0.0.3, ... (by default) sharing one local
# Cassandra node, for development and demonstrations.
#
#   scripts/cluster-local.sh start [N]   start Cassandra and N nodes (in the background); returns once all are ready
#   scripts/cluster-local.sh status      members, shard and entity counts and sessions per node
#   scripts/cluster-local.sh stop        stop the nodes (each hands its shards over), then Cassandra
#
# Node i listens for clients on NET.(i+1):5222 (STARTTLS) and :5223 (direct TLS), for the cluster on
# NET.(i+1):25520, and has its admin API on 127.0.0.1:(ADMIN+i). NET is CHORUS_CLUSTER_NET [127.0.0] (three
# numbers: another NET keeps this cluster off ClusterIT's 127.0.0.2-4:25520), ADMIN is CHORUS_CLUSTER_ADMIN_BASE
# [5290]. scripts/loadtest.sh bench failover reads the same two. Files: .chorus/cluster/node-i/
# (data, logs, node.out, node.pid). The cluster link is TLS with mutual authentication: the first start
# makes a CA for this cluster in .chorus/cluster/keys/ca and a key directory per node (never committed).
# Configuration: cluster-config/local-cluster.conf. Environment: CHORUS_DOMAIN [localhost], JAVA_OPTS [-Xmx512m].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

readonly BASE=$ROOT/.chorus/cluster
export CHORUS_CASSANDRA_DATA=$BASE/cassandra
export CHORUS_CASSANDRA_CQL_PORT=${CHORUS_CLUSTER_CASSANDRA_CQL_PORT:-19842}
export CHORUS_CASSANDRA_STORAGE_PORT=${CHORUS_CLUSTER_CASSANDRA_STORAGE_PORT:-17800}
export CHORUS_DOMAIN=${CHORUS_DOMAIN:-localhost}
readonly NET=${CHORUS_CLUSTER_NET:-127.0.0}
readonly ADMIN_BASE=${CHORUS_CLUSTER_ADMIN_BASE:-5290}
[[ $NET =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || { echo "cluster: CHORUS_CLUSTER_NET must be 127.X.Y (loopback)" >&2; exit 2; }
[[ $ADMIN_BASE =~ ^[0-9]+$ ]] && ((ADMIN_BASE >= 1024 && ADMIN_BASE <= 65000)) ||
  { echo "cluster: CHORUS_CLUSTER_ADMIN_BASE must be 1024..65000" >&2; exit 2; }

say() { echo "cluster: $*"; }
ip_of() { echo "$NET.$(($1 + 1))"; }
admin_port() { echo "$((ADMIN_BASE + $1))"; }
node_dir() { echo "$BASE/node-$1"; }
keys_dir() { echo "$BASE/keys/node-$1"; }
ctl() { "$(java_bin)" -cp "$(node_classpath)" -Dlogback.configurationFile=logback-cli.xml chorus.node.cli.Chorusctl "$@"; }

# The cluster's CA and one key directory per node, made once (chorusctl cluster-keys).
make_keys() {
  local n=$1 i
  [[ -f $BASE/keys/ca/ca.key ]] || ctl cluster-keys ca "$BASE/keys/ca" >/dev/null
  for ((i = 1; i <= n; i++)); do
    [[ -f $(keys_dir "$i")/tls.crt ]] || ctl cluster-keys node --ca "$BASE/keys/ca" --node-name "node-$i" "$(keys_dir "$i")" >/dev/null
  done
}
count() { ls -d "$BASE"/node-* 2>/dev/null | wc -l; }

start() {
  local n=${1:-3} i seeds=""
  [[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 200)) || { echo "cluster: N must be 1..200" >&2; exit 2; }
  build_node_if_needed
  mkdir -p "$BASE"
  scripts/cassandra.sh start
  export CHORUS_CASSANDRA_CONTACT_POINTS=127.0.0.1:$CHORUS_CASSANDRA_CQL_PORT
  # One process creates the schema; nodes starting together then find it in place.
  ctl schema apply
  make_keys "$n"
  for ((i = 1; i <= n; i++)); do
    seeds+="${seeds:+,}$(ip_of "$i"):25520"
  done
  for ((i = 1; i <= n; i++)); do
    start_node "$i" "$seeds"
  done
  for ((i = 1; i <= n; i++)); do
    wait_node "$i"
  done
  # Started is not joined: the other nodes join a few seconds after the first forms the cluster (they ask again
  # every chorus.cluster.join-retry). Ready (the admin port's /ready) means an Up member whose shard regions are
  # registered.
  for ((i = 1; i <= n; i++)); do
    wait_ready "$i"
  done
  say "$n node(s) up; clients connect to $(ip_of 1):5222 ... $(ip_of "$n"):5222 (domain $CHORUS_DOMAIN)"
}

start_node() {
  local i=$1 seeds=$2 dir
  dir=$(node_dir "$i")
  mkdir -p "$dir"
  if [[ -f $dir/node.pid ]] && kill -0 "$(cat "$dir/node.pid")" 2>/dev/null; then
    say "node $i already runs (pid $(cat "$dir/node.pid"))"
    return
  fi
  # A fresh node.out before the start: wait_node looks for this start's banner, not an earlier one's.
  : >"$dir/node.out"
  # No upload listener: a file lives on the node it went to, and these nodes have no names of their own
  # that a certificate could vouch for (see chorus.upload.public-url for a real cluster).
  # shellcheck disable=SC2086
  CHORUS_DATA_DIR=$dir CHORUS_BIND=$(ip_of "$i") CHORUS_CLUSTER_HOST=$(ip_of "$i") CHORUS_CLUSTER_PORT=25520 \
    CHORUS_SEED_NODES=$seeds CHORUS_ADMIN_PORT=$(admin_port "$i") CHORUS_HTTP_PORT=0 CHORUS_CLUSTER_TLS_DIR=$(keys_dir "$i") \
    nohup "$(java_bin)" -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:--Xmx512m} -Dconfig.file="$ROOT/cluster-config/local-cluster.conf" \
    -cp "$(node_classpath)" chorus.node.cli.Main --create-admin \
    > >(redact_admin_password "$dir/node.out" "cluster: node $i: ") 2>&1 </dev/null &
  echo $! >"$dir/node.pid"
  say "node $i starting on $(ip_of "$i") (pid $!)"
}

wait_node() {
  local i=$1 dir deadline
  dir=$(node_dir "$i")
  deadline=$((SECONDS + 180))
  until grep -q "Press Ctrl-C to stop." "$dir/node.out" 2>/dev/null; do
    if ! kill -0 "$(cat "$dir/node.pid")" 2>/dev/null; then
      echo "cluster: node $i exited; see $dir/node.out" >&2
      tail -20 "$dir/node.out" >&2
      exit 1
    fi
    ((SECONDS < deadline)) || { echo "cluster: node $i did not start in time; see $dir/node.out" >&2; exit 1; }
    sleep 1
  done
}

# Waits up to 120 s for node i's /ready to answer 200; says so and goes on if it does not.
wait_ready() {
  local i=$1 deadline line
  deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    line=$( (exec 3<>"/dev/tcp/127.0.0.1/$(admin_port "$i")" &&
      printf 'GET /ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n1 <&3) 2>/dev/null || true)
    [[ $line == *" 200"* ]] && return 0
    sleep 1
  done
  echo "cluster: node $i is not ready after 120 s (see $(node_dir "$i")/node.out); going on" >&2
}

stop() {
  local i dir pid
  for dir in "$BASE"/node-*; do
    [[ -f $dir/node.pid ]] || continue
    pid=$(cat "$dir/node.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
      done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      say "stopped ${dir##*/} (pid $pid)"
    fi
    rm -f "$dir/node.pid"
  done
  scripts/cassandra.sh stop
}

status() {
  local i n
  n=$(count)
  ((n > 0)) || { say "no nodes"; exit 3; }
  for ((i = 1; i <= n; i++)); do
    if [[ -f $(node_dir "$i")/node.pid ]] && kill -0 "$(cat "$(node_dir "$i")/node.pid")" 2>/dev/null; then
      ctl --data-dir="$(node_dir "$i")" --admin-port="$(admin_port "$i")" cluster
      return
    fi
  done
  say "no node is running"
  exit 3
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 2 ;;
esac
