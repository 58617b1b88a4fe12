#!/usr/bin/env bash
# Load tests: the generator (module loadtest/), the servers under test, and the benchmark of issue 8.
#
#   scripts/loadtest.sh SCENARIO [options]   login | idle | chat | sweep | presence | offline | mixed | muc,
#                                            or provision | compare; `scripts/loadtest.sh chat --help` lists options
#   scripts/loadtest.sh chorus start|stop|status|pids
#                                            a Chorus node of this checkout for benchmarks: own ports, own data
#                                            directory and local Cassandra, loopback clients; stop sends SIGTERM,
#                                            which runs the same clean shutdown as Ctrl-C
#   scripts/loadtest.sh prosody start|stop|status|pids
#                                            Prosody (Debian package, installed when missing) as a child process with a
#                                            config of its own: loopback only, own ports and data; never the system service
#   scripts/loadtest.sh ejabberd start|stop|status|pids
#                                            ejabberd 23.01 (Debian package, installed when missing) the same way
#                                            (scripts/loadtest-ejabberd.sh: its config, ports and raised limits)
#   scripts/loadtest.sh bench [quick|full|table|failover]
#                                            the servers of LT_SERVERS one after the other, the same scenarios, then one
#                                            comparison (HTML with plots, ratios to the first); table: issue 18's table
#
# The generator only connects to the --target addresses it is given. Every run is bounded (--max-time).
# Reports go to $LOADTEST_OUT/<time>-<scenario>-<label>/{summary.txt,result.json,report.html}.
#
# Environment (defaults in brackets):
#   LOADTEST_DIR     state: servers' data, SCRAM cache      [$ROOT/.chorus/loadtest]
#   LOADTEST_OUT     reports                                [$LOADTEST_DIR/results]
#   LOADTEST_HEAP    the generator's maximum heap           [3g]
#   LT_DOMAIN        the XMPP domain of both servers        [localhost]
#   LT_CHORUS_BIND   the node's address (c2s, HTTP, admin)  [127.0.0.1]
#   LT_CHORUS_PORT / LT_CHORUS_TLS_PORT / LT_CHORUS_ADMIN_PORT            [16222 / 16223 / 16290]
#   LT_CHORUS_HTTP_PORT  HTTPS: WebSocket (--transport websocket) and BOSH  [16280]
#   LT_CHORUS_CQL_PORT / LT_CHORUS_STORAGE_PORT / LT_CHORUS_ARTERY_PORT   [19742 / 17700 / 25920 (cluster port)]
#   LT_CHORUS_HEAP   the node's maximum heap                [4g]
#   LT_CHORUS_OPTS   the node's extra JVM options           [per-address cap and per-session rates off]
#   LT_CHORUS_JAVA_HOME  the node's Java (25+: with its ahead-of-time cache, scripts/node-jvm.sh)  [as scripts/run.sh]
#   LT_PROSODY_PORT / LT_PROSODY_TLS_PORT                                 [16232 / 16233]
#   LT_EJABBERD_PORT / LT_EJABBERD_DIST_PORT                              [16242 / 16244]
#   LT_PROVISION     bench creates the accounts first (0: they exist already)  [1]
#   LT_SERVERS       the servers bench runs, in order; ratios are against the first  [chorus ejabberd prosody]
#   LT_MAM           1: servers start with every chat archived (bench table sets it for its MAM run)  [0]
#   LT_FAILOVER_SOURCE  bench failover: the clients' source addresses  [127.0.20.1-8]; the cluster's addresses come
#                    from CHORUS_CLUSTER_NET / CHORUS_CLUSTER_ADMIN_BASE (scripts/cluster-local.sh)
#   LT_FAILOVER_VICTIM  bench failover: the node killed, 1 (the oldest: sharding's coordinators), 2 or 3  [3]
#   LT_FAILOVER_BEFORE  bench failover: seconds of chat before the kill  [20]; the three fresh JVMs are still
#                    compiling then (the machine has no idle CPU), 60 lets the cluster settle first
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LT_DIR=${LOADTEST_DIR:-$ROOT/.chorus/loadtest}
LT_OUT=${LOADTEST_OUT:-$LT_DIR/results}
DOMAIN=${LT_DOMAIN:-localhost}
C_BIND=${LT_CHORUS_BIND:-127.0.0.1}
C_PORT=${LT_CHORUS_PORT:-16222}
C_HTTP=${LT_CHORUS_HTTP_PORT:-16280}
C_TLS=${LT_CHORUS_TLS_PORT:-16223}
C_ADMIN=${LT_CHORUS_ADMIN_PORT:-16290}
C_CQL=${LT_CHORUS_CQL_PORT:-19742}
C_STORAGE=${LT_CHORUS_STORAGE_PORT:-17700}
C_ARTERY=${LT_CHORUS_ARTERY_PORT:-25920}
C_HEAP=${LT_CHORUS_HEAP:-4g}
P_PORT=${LT_PROSODY_PORT:-16232}
P_TLS=${LT_PROSODY_TLS_PORT:-16233}
# A load test is many clients from one address at rates no person types: the per-session stanza and byte rates
# are off and the per-address connection caps at the node's totals (every other limit as deployed);
# LT_CHORUS_OPTS replaces these settings.
C_OPTS=${LT_CHORUS_OPTS:--Dchorus.c2s.rate.stanzas-per-second=0 -Dchorus.c2s.rate.bytes-per-second=0 -Dchorus.c2s.max-per-address=20000 -Dchorus.c2s.max-unauthenticated=20000 -Dchorus.http.max-per-address=10000}
readonly LT_DIR LT_OUT DOMAIN C_BIND C_HTTP C_PORT C_OPTS C_TLS C_ADMIN C_CQL C_STORAGE C_ARTERY C_HEAP P_PORT P_TLS
readonly C_DATA=$LT_DIR/chorus P_DIR=$LT_DIR/prosody
readonly LT_JAR_GLOB="$ROOT/loadtest/target/chorus-loadtest-*.jar" LT_LIB="$ROOT/loadtest/target/lib"
source "$(dirname "${BASH_SOURCE[0]}")/loadtest-ejabberd.sh"

say() { echo "loadtest: $*" >&2; }
die() { echo "loadtest: $*" >&2; exit 1; }

# Sockets are files: as many as the hard limit allows (a process cannot hold more sessions than this).
raise_fd_limit() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# --- the generator ------------------------------------------------------------------------------

build_generator_if_needed() {
  local jar
  jar=$(compgen -G "$LT_JAR_GLOB" | grep -v -- '-tests.jar' | head -n1 || true)
  if [[ -n $jar && -d $LT_LIB ]] && [[ -z $(find "$ROOT"/loadtest/src/main "$ROOT"/loadtest/pom.xml "$ROOT"/pom.xml \
      -newer "$jar" -print -quit 2>/dev/null) ]]; then
    return 0
  fi
  say "building the load generator (mvn package, tests skipped)..."
  # Maven 3.8 prints colour resets even in batch mode; they are dropped.
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package -pl loadtest -am) 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2
}

generator() {
  build_generator_if_needed
  raise_fd_limit
  local jar
  jar=$(compgen -G "$LT_JAR_GLOB" | grep -v -- '-tests.jar' | head -n1)
  mkdir -p "$LT_OUT"
  export LOADTEST_OUT=$LT_OUT
  # shellcheck disable=SC2086
  "$(java_bin)" -Xms512m -Xmx"${LOADTEST_HEAP:-3g}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true ${LOADTEST_JAVA_OPTS:-} \
    -cp "$jar:$LT_LIB/*" chorus.loadtest.LoadTest "$@"
}

# --- a Chorus node for benchmarks ---------------------------------------------------------------

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
chorus_pid() { [[ -f $C_DATA.pid ]] && tr -dc '0-9' <"$C_DATA.pid" || true; }

chorus_start() {
  local pid deadline
  pid=$(chorus_pid)
  if pid_alive "$pid"; then say "chorus already running (pid $pid)"; return 0; fi
  build_node_if_needed
  mkdir -p "$C_DATA"
  # The last start's output says "is running" too: gone before this start, or the wait below would end at once.
  rm -f "$C_DATA.out"
  raise_fd_limit
  # setsid: its own session, so a terminal's Ctrl-C does not reach it; run.sh exec's into the JVM.
  CHORUS_DOMAIN=$DOMAIN CHORUS_BIND=$C_BIND CHORUS_C2S_PORT=$C_PORT CHORUS_C2S_TLS_PORT=$C_TLS \
  JAVA_HOME=${LT_CHORUS_JAVA_HOME:-${JAVA_HOME:-}} CHORUS_ADMIN_PORT=$C_ADMIN CHORUS_DATA_DIR=$C_DATA CHORUS_HTTP_PORT=$C_HTTP CHORUS_S2S_PORT=0 CHORUS_S2S_TLS_PORT=0 \
  JAVA_OPTS="-Xms1g -Xmx$C_HEAP -Dchorus.cassandra.local.cql-port=$C_CQL -Dchorus.cassandra.local.storage-port=$C_STORAGE -Dchorus.cluster.port=$C_ARTERY $C_OPTS$([[ ${LT_MAM:-0} == 1 ]] && echo " -Dchorus.mam.default=always")" \
    setsid "$ROOT/scripts/run.sh" > >(redact_admin_password "$C_DATA.out" "loadtest: ") 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$C_DATA.pid"
  deadline=$(($(date +%s) + 300))
  until grep -q "is running" "$C_DATA.out" 2>/dev/null; do
    pid_alive "$pid" || { tail -20 "$C_DATA.out" >&2; die "chorus exited during start (log: $C_DATA.out)"; }
    (($(date +%s) < deadline)) || die "chorus did not start within 300 s (log: $C_DATA.out)"
    sleep 1
  done
  say "chorus running (pid $pid, c2s $C_BIND:$C_PORT, direct TLS $C_TLS, HTTPS $C_HTTP, admin $C_ADMIN, data $C_DATA)"
}

chorus_stop() {
  local pid i
  pid=$(chorus_pid)
  if ! pid_alive "$pid"; then say "chorus not running"; rm -f "$C_DATA.pid"; return 0; fi
  # Not SIGINT: a background job of a script starts with SIGINT ignored, and the JVM keeps it so.
  kill -TERM "$pid"
  for ((i = 0; i < 120; i++)); do pid_alive "$pid" || break; sleep 1; done
  if pid_alive "$pid"; then say "chorus (pid $pid) still running after 120 s; sending SIGKILL"; kill -KILL "$pid"; fi
  rm -f "$C_DATA.pid"
  say "chorus stopped"
}

# The node's PID and its Cassandra child's, for --server-pid.
chorus_pids() {
  local pid child
  pid=$(chorus_pid)
  pid_alive "$pid" || die "chorus is not running"
  child=$(pgrep -P "$pid" -f CassandraDaemon | head -n1 || true)
  echo "chorus=$pid${child:+ cassandra=$child}"
}

# --- Prosody as a child process -----------------------------------------------------------------

prosody_pid() { [[ -f $P_DIR/prosody.pid ]] && tr -dc '0-9' <"$P_DIR/prosody.pid" || true; }

ensure_prosody_installed() {
  command -v prosody >/dev/null && return 0
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "prosody is missing: install the Debian package prosody"
  say "installing the Debian package prosody (its system service is not started or used here)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y prosody >&2
}

prosody_config() {
  mkdir -p "$P_DIR/data" "$P_DIR/certs"
  if [[ ! -f $P_DIR/certs/$DOMAIN.crt ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=$DOMAIN" \
      -addext "subjectAltName=DNS:$DOMAIN" -keyout "$P_DIR/certs/$DOMAIN.key" -out "$P_DIR/certs/$DOMAIN.crt" 2>/dev/null
  fi
  cat >"$P_DIR/prosody.cfg.lua" <<EOF
-- Written by scripts/loadtest.sh on every start: a Prosody for load tests, on loopback only.
run_as_root = $([[ $(id -u) == 0 ]] && echo true || echo false)
daemonize = false
pidfile = "$P_DIR/prosody.pid"
data_path = "$P_DIR/data"
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { $P_PORT }
c2s_direct_tls_ports = { $P_TLS }
modules_disabled = { "s2s" }
network_backend = "epoll"
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "register", "posix"$([[ ${LT_MAM:-0} == 1 ]] && echo ', "mam"') }
-- With LT_MAM=1: every chat archived (XEP-0313), in Prosody's internal (file) storage.
default_archive_policy = true
archive_expires_after = "1d"
allow_registration = true
authentication = "internal_hashed"
-- The same PBKDF2 iteration count as Chorus's default, so registration costs the same.
default_iteration_count = 4096
c2s_require_encryption = true
storage = "internal"
log = { { levels = { min = "warn" }, to = "file", filename = "$P_DIR/prosody.log" } }
certificates = "$P_DIR/certs"
VirtualHost "$DOMAIN"
  ssl = { certificate = "$P_DIR/certs/$DOMAIN.crt", key = "$P_DIR/certs/$DOMAIN.key" }
-- Chat rooms for the muc scenario, as Chorus offers them at conference.DOMAIN.
Component "conference.$DOMAIN" "muc"
  restrict_room_creation = false
EOF
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# await_port NAME PID PORT SECONDS LOG...: until the server listens; dies showing its logs when it exits first.
await_port() {
  local name=$1 pid=$2 port=$3 secs=$4 i
  shift 4
  for ((i = 0; i < secs * 10; i++)); do
    port_open "$port" && return 0
    pid_alive "$pid" || { tail -30 "$@" >&2 2>/dev/null; die "$name exited during start"; }
    sleep 0.1
  done
  die "$name does not listen on $port after $secs s"
}

prosody_start() {
  local pid
  pid=$(prosody_pid)
  if pid_alive "$pid"; then say "prosody already running (pid $pid)"; return 0; fi
  ensure_prosody_installed
  port_open "$P_PORT" && die "something already listens on 127.0.0.1:$P_PORT"
  prosody_config
  raise_fd_limit
  setsid prosody --config "$P_DIR/prosody.cfg.lua" -F >"$P_DIR/console.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$P_DIR/prosody.pid"
  await_port prosody "$pid" "$P_PORT" 30 "$P_DIR/console.log" "$P_DIR/prosody.log"
  echo "$pid" >"$P_DIR/prosody.pid"   # prosody rewrites its pidfile with the same PID
  say "prosody running (pid $pid, c2s 127.0.0.1:$P_PORT, direct TLS $P_TLS, data $P_DIR)"
}

prosody_stop() {
  local pid i
  pid=$(prosody_pid)
  if ! pid_alive "$pid"; then say "prosody not running"; return 0; fi
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && kill -KILL "$pid"
  rm -f "$P_DIR/prosody.pid"
  say "prosody stopped"
}

prosody_pids() {
  local pid
  pid=$(prosody_pid)
  pid_alive "$pid" || die "prosody is not running"
  echo "prosody=$pid"
}

# --- the benchmark: scripts/loadtest-bench.sh ---------------------------------------------------

source "$(dirname "${BASH_SOURCE[0]}")/loadtest-bench.sh"

cmd=${1:-}
[[ $# -gt 0 ]] && shift
case $cmd in
  chorus | prosody | ejabberd)
    sub=${1:-status}
    case $sub in
      start | stop | pids) "${cmd}_$sub" ;;
      status) if pid_alive "$("${cmd}_pid")"; then say "$cmd running (pid $("${cmd}_pid"))"; else say "$cmd not running"; exit 3; fi ;;
      *) die "$cmd start|stop|status|pids" ;;
    esac
    ;;
  bench) bench "$@" ;;
  "" | -h | --help | help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' ;;
  *) generator "$cmd" "$@" ;;
esac
