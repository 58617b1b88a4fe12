#!/usr/bin/env bash
# One local Apache Cassandra node for development, CI and Chorus's single-machine mode.
#
#   scripts/cassandra.sh start | stop | status | run | probe | fetch | nodetool ARGS...
#
#   start     fetch the jars if needed, start the node in the background, wait until CQL answers
#   stop      SIGTERM the recorded PID, wait for it to exit (SIGKILL after the stop timeout)
#   status    running or stopped, and whether CQL answers (exit 0 answers, 1 not answering, 3 stopped)
#   run       the node in the foreground: exec's the JVM, so this PID is Cassandra's
#             (chorus.persistence.cassandra.LocalCassandra runs this as its child process)
#   probe     exit 0 when a native-protocol CQL exchange with the node succeeds
#   fetch     resolve cassandra-all and its runtime jars with Maven into the lib directory
#   nodetool  org.apache.cassandra.tools.NodeTool against this node's JMX port
#
# Environment (defaults in brackets):
#   CHORUS_CASSANDRA_DATA          data, config and logs            [$PWD/.chorus/cassandra]
#   CHORUS_CASSANDRA_LIB           server jars, outside the checkout [$HOME/.cache/chorus/cassandra-5.0.9/lib]
#   CHORUS_CASSANDRA_CQL_PORT      native protocol port              [19042]
#   CHORUS_CASSANDRA_STORAGE_PORT  internode port; JMX is this + 199 [17000]
#   CHORUS_CASSANDRA_PROFILE       durable (fsync) | test (no fsync) [durable]
#   CHORUS_CASSANDRA_HEAP          maximum heap                      [1G]
#   CHORUS_CASSANDRA_HEAP_MIN      initial heap                      [256M]
#   CHORUS_CASSANDRA_START_TIMEOUT seconds until CQL must answer     [120]
#   CHORUS_CASSANDRA_STOP_TIMEOUT  seconds before SIGKILL            [60]
#   CHORUS_CASSANDRA_JAVA          a java binary to use (must be Java 17); else $JAVA_HOME, /usr/lib/jvm, PATH
set -euo pipefail

readonly CASSANDRA_VERSION=5.0.9
readonly CASSANDRA_MAIN=org.apache.cassandra.service.CassandraDaemon
SELF=$(readlink -f "${BASH_SOURCE[0]}")
readonly SELF
readonly HERE=${SELF%/*}

DATA=${CHORUS_CASSANDRA_DATA:-$PWD/.chorus/cassandra}
DATA=$(realpath -m "$DATA")
LIB=${CHORUS_CASSANDRA_LIB:-$HOME/.cache/chorus/cassandra-$CASSANDRA_VERSION/lib}
LIB=$(realpath -m "$LIB")
CQL_PORT=${CHORUS_CASSANDRA_CQL_PORT:-19042}
STORAGE_PORT=${CHORUS_CASSANDRA_STORAGE_PORT:-17000}
JMX_PORT=$((STORAGE_PORT + 199))
PROFILE=${CHORUS_CASSANDRA_PROFILE:-durable}
HEAP=${CHORUS_CASSANDRA_HEAP:-1G}
HEAP_MIN=${CHORUS_CASSANDRA_HEAP_MIN:-256M}
START_TIMEOUT=${CHORUS_CASSANDRA_START_TIMEOUT:-120}
STOP_TIMEOUT=${CHORUS_CASSANDRA_STOP_TIMEOUT:-60}
readonly DATA LIB CQL_PORT STORAGE_PORT JMX_PORT PROFILE HEAP HEAP_MIN START_TIMEOUT STOP_TIMEOUT
readonly PID_FILE=$DATA/cassandra.pid
readonly MARKER=$LIB/.fetched

say() { echo "cassandra: $*"; }
die() { echo "cassandra: $*" >&2; exit 1; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

check_settings() {
  local p
  for p in "$CQL_PORT" "$STORAGE_PORT"; do
    [[ $p =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || die "bad port '$p'"
  done
  ((JMX_PORT < 65536)) || die "storage port $STORAGE_PORT + 199 is no valid JMX port"
  [[ $PROFILE == durable || $PROFILE == test ]] || die "CHORUS_CASSANDRA_PROFILE must be durable or test, not '$PROFILE'"
  [[ $START_TIMEOUT =~ ^[0-9]+$ && $STOP_TIMEOUT =~ ^[0-9]+$ ]] || die "timeouts must be whole seconds"
}

# --- jars -------------------------------------------------------------------------------------

fetched() { [[ -f $MARKER ]]; }

fetch() {
  if fetched; then say "jars present in $LIB"; return 0; fi
  command -v mvn >/dev/null || die "mvn is not on PATH; it resolves the Cassandra jars into $LIB"
  local t0 parent lock tmp
  t0=$(now)
  parent=${LIB%/*}
  mkdir -p "$parent"
  lock=$LIB.lock
  exec 9>"$lock"
  flock 9   # a concurrent fetch finishes first, then this one sees its marker
  if fetched; then exec 9>&-; say "jars present in $LIB"; return 0; fi
  tmp=$(mktemp -d "$LIB.tmp.XXXXXX")
  say "resolving org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION with Maven into $LIB"
  if ! mvn -B -q -Dstyle.color=never -f "$HERE/cassandra/pom.xml" dependency:copy-dependencies \
      -Dcassandra.version="$CASSANDRA_VERSION" -DoutputDirectory="$tmp" >&2; then
    rm -rf "$tmp"
    die "Maven could not resolve the Cassandra jars"
  fi
  ls "$tmp"/cassandra-all-"$CASSANDRA_VERSION".jar "$tmp"/jamm-*.jar >/dev/null 2>&1 \
    || { rm -rf "$tmp"; die "resolved jars lack cassandra-all or jamm"; }
  echo "org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION" >"$tmp/.fetched"
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  exec 9>&-
  say "fetched $(find "$LIB" -name '*.jar' | wc -l) jars ($(du -sh "$LIB" | cut -f1)) in $(since "$t0") s"
}

# --- java -------------------------------------------------------------------------------------

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ { print $2; exit }'
}

# Cassandra 5.0 runs on Java 11 or 17; on 18+ it cannot install its SecurityManager and exits.
find_java() {
  local c
  if [[ -n ${CHORUS_CASSANDRA_JAVA:-} ]]; then
    [[ $(java_major "$CHORUS_CASSANDRA_JAVA") == 17 ]] || die "CHORUS_CASSANDRA_JAVA=$CHORUS_CASSANDRA_JAVA is not Java 17"
    echo "$CHORUS_CASSANDRA_JAVA"; return
  fi
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [[ -x $c && $(java_major "$c") == 17 ]]; then echo "$c"; return; fi
  done
  die "no Java 17 found (set JAVA_HOME or CHORUS_CASSANDRA_JAVA); Cassandra $CASSANDRA_VERSION does not run on newer Java"
}

# From Cassandra's conf/jvm11-server.options and jvm17-server.options; nodetool needs them too.
readonly JPMS=(
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent=ALL-UNNAMED --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED
)

# --- configuration ----------------------------------------------------------------------------

write_config() {
  mkdir -p "$DATA/conf" "$DATA/logs"
  cat >"$DATA/conf/cassandra.yaml" <<EOF
# Written by scripts/cassandra.sh on every start; edits are overwritten.
cluster_name: 'chorus-local'
num_tokens: 1
initial_token: 0
auto_bootstrap: false
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters: [ { seeds: "127.0.0.1:$STORAGE_PORT" } ]
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $STORAGE_PORT
native_transport_port: $CQL_PORT
start_native_transport: true
data_file_directories: ['$DATA/data']
commitlog_directory: '$DATA/commitlog'
hints_directory: '$DATA/hints'
saved_caches_directory: '$DATA/saved_caches'
cdc_raw_directory: '$DATA/cdc_raw'
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
# batch: a write is acknowledged only after its commitlog section is synced, so a crash of the
# node loses no acknowledged write (periodic mode does).
commitlog_sync: batch
commitlog_segment_size: 16MiB
commitlog_total_space: 256MiB
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
concurrent_materialized_view_writes: 8
concurrent_compactors: 1
memtable_heap_space: 128MiB
memtable_offheap_space: 128MiB
key_cache_size: 16MiB
file_cache_size: 64MiB
native_transport_max_threads: 32
hinted_handoff_enabled: false
dynamic_snitch: false
auto_snapshot: false
snapshot_before_compaction: false
EOF
  cat >"$DATA/conf/logback.xml" <<'EOF'
<!-- Written by scripts/cassandra.sh. Logs roll daily and are kept 7 days. -->
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${cassandra.logdir}/system.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy">
      <fileNamePattern>${cassandra.logdir}/system.%d{yyyy-MM-dd}.%i.log.gz</fileNamePattern>
      <maxFileSize>20MB</maxFileSize>
      <maxHistory>7</maxHistory>
      <totalSizeCap>200MB</totalSizeCap>
    </rollingPolicy>
    <encoder><pattern>%date{ISO8601} %-5level [%thread] %logger{1} - %msg%n</pattern></encoder>
  </appender>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
    <encoder><pattern>%date{ISO8601} %-5level [%thread] %logger{1} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="FILE"/>
    <appender-ref ref="CONSOLE"/>
  </root>
</configuration>
EOF
  cat >"$DATA/conf/logback-tools.xml" <<'EOF'
<configuration scan="false">
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%-5level %logger{1} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
EOF
}

# --- process ----------------------------------------------------------------------------------

recorded_pid() { [[ -f $PID_FILE ]] && tr -dc '0-9' <"$PID_FILE" || true; }

# True when PID is a live Cassandra of this data directory (not a reused PID, not a zombie).
is_our_node() {
  local pid=$1 cmd
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) || return 1
  [[ $cmd == *"$CASSANDRA_MAIN"* && $cmd == *"-Dcassandra.storagedir=$DATA "* ]]
}

running_pid() {
  local pid
  pid=$(recorded_pid)
  if is_our_node "$pid"; then echo "$pid"; else return 1; fi
}

# A native-protocol v4 exchange: STARTUP must give READY, then a query must give a RESULT.
probe_once() {
  local hdr
  { exec 3<>"/dev/tcp/127.0.0.1/$CQL_PORT"; } 2>/dev/null || return 1
  # header: version 4, flags 0, stream 1, opcode STARTUP (0x01), body length 22; body {CQL_VERSION: 3.0.0}
  printf '\x04\x00\x00\x01\x01\x00\x00\x00\x16\x00\x01\x00\x0bCQL_VERSION\x00\x053.0.0' >&3
  hdr=$(head -c 9 <&3 | od -An -tx1 | tr -d ' \n')
  [[ $hdr == 8400000102* ]] || return 1   # response v4, stream 1, opcode READY
  # QUERY (0x07), body length 47: long string (40 bytes), consistency ONE, no flags
  printf '\x04\x00\x00\x02\x07\x00\x00\x00\x2f\x00\x00\x00\x28SELECT release_version FROM system.local\x00\x01\x00' >&3
  hdr=$(head -c 9 <&3 | od -An -tx1 | tr -d ' \n')
  exec 3<&-
  [[ $hdr == 8400000208* ]]               # stream 2, opcode RESULT
}

probe() { timeout 5 "$BASH" "$SELF" __probe_once >/dev/null 2>&1; }

jvm_args() {
  local jamm
  jamm=$(compgen -G "$LIB/jamm-*.jar" | head -n1) || die "no jamm jar in $LIB; run: $0 fetch"
  ARGS=(
    "-Xms$HEAP_MIN" "-Xmx$HEAP" -Xss256k -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1
    -XX:MaxGCPauseMillis=300 -XX:+PerfDisableSharedMem -XX:+ExitOnOutOfMemoryError
    "-XX:ErrorFile=$DATA/logs/hs_err_%p.log" -Djava.net.preferIPv4Stack=true
    "-javaagent:$jamm"
    "-Dcassandra.config=file://$DATA/conf/cassandra.yaml" "-Dlogback.configurationFile=$DATA/conf/logback.xml"
    "-Dcassandra.logdir=$DATA/logs" "-Dcassandra.storagedir=$DATA"
    -Dcassandra-foreground=yes
    "-Dcassandra.jmx.local.port=$JMX_PORT" -Dcom.sun.management.jmxremote.authenticate=false
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.memtable_row_overhead_computation_step=100
    -Dcassandra.shutdown_announce_in_ms=0
    # Cassandra's approximate clock (request deadlines, message expiry) is sampled by a task every 2 ms by default:
    # 500 wake-ups a second, 0.6-0.9 % of a core on an idle node here (issue 18, loadtest/RESULTS.md "Idle sessions:
    # where the CPU went"). Its deadlines are seconds long, so 20 ms of imprecision changes nothing.
    -Dcassandra.approximate_time_precision_ms=20
    -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11
    "${JPMS[@]}"
  )
  if [[ $PROFILE == test ]]; then ARGS+=(-Dcassandra.skip_sync=true); fi
}

# As root, mlockall(MCL_CURRENT) pins the whole mapped heap and slows the start by seconds;
# without CAP_IPC_LOCK it fails with one harmless warning, as it does for any other user.
drop_ipc_lock() {
  PREFIX=()
  if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null \
      && setpriv --bounding-set -ipc_lock --inh-caps -ipc_lock true 2>/dev/null; then
    PREFIX=(setpriv --bounding-set -ipc_lock --inh-caps -ipc_lock)
  fi
}

run() {
  local pid java
  if pid=$(running_pid); then echo "cassandra: already running in $DATA (pid $pid)" >&2; exit 3; fi
  fetched || fetch >&2
  java=$(find_java)
  write_config
  jvm_args
  drop_ipc_lock
  echo $$ >"$PID_FILE"
  exec "${PREFIX[@]}" "$java" "${ARGS[@]}" -cp "$LIB/*" "$CASSANDRA_MAIN"
}

start() {
  local pid t0 launcher deadline
  if pid=$(running_pid); then
    if probe; then say "already running (pid $pid), CQL answers on 127.0.0.1:$CQL_PORT"
    else say "already running (pid $pid), CQL not answering on 127.0.0.1:$CQL_PORT yet"; fi
    return 0
  fi
  if probe; then die "something else answers CQL on 127.0.0.1:$CQL_PORT (no node of $DATA is running)"; fi
  fetch
  find_java >/dev/null
  mkdir -p "$DATA/logs"
  t0=$(now)
  # setsid: the node outlives this shell and its terminal's signals; run exec's into the JVM.
  setsid "$BASH" "$SELF" run >>"$DATA/logs/console.log" 2>&1 </dev/null &
  launcher=$!
  deadline=$(($(date +%s) + START_TIMEOUT))
  while :; do
    # running_pid: the launcher has exec'd into this data directory's JVM, so the answer is from it.
    if running_pid >/dev/null && probe; then
      say "up in $(since "$t0") s (pid $(recorded_pid), CQL 127.0.0.1:$CQL_PORT, profile $PROFILE, data $DATA)"
      return 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null && ! running_pid >/dev/null; then
      tail -n 30 "$DATA/logs/console.log" >&2 || true
      die "the node exited during start; logs in $DATA/logs"
    fi
    if (($(date +%s) >= deadline)); then
      tail -n 30 "$DATA/logs/console.log" >&2 || true
      die "CQL did not answer on 127.0.0.1:$CQL_PORT within $START_TIMEOUT s; the node is left running (pid $(recorded_pid)), stop it with: $0 stop"
    fi
    sleep 0.2
  done
}

stop() {
  local pid t0 deadline
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  t0=$(now)
  kill -TERM "$pid"
  deadline=$(($(date +%s) + STOP_TIMEOUT))
  while is_our_node "$pid"; do
    if (($(date +%s) >= deadline)); then
      say "pid $pid still running after $STOP_TIMEOUT s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while is_our_node "$pid"; do sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  rm -f "$PID_FILE"
  say "stopped in $(since "$t0") s (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid); then
    if probe; then say "running (pid $pid), CQL answers on 127.0.0.1:$CQL_PORT"; return 0; fi
    say "running (pid $pid), CQL does not answer on 127.0.0.1:$CQL_PORT"; return 1
  fi
  say "stopped ($DATA)"
  return 3
}

nodetool() {
  local java
  fetched || fetch >&2
  java=$(find_java)
  [[ -f $DATA/conf/logback-tools.xml ]] || write_config
  exec "$java" "${JPMS[@]}" -Dlogback.configurationFile="$DATA/conf/logback-tools.xml" \
    -cp "$LIB/*" org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@"
}

usage() {
  sed -n '2,/^set -euo/p' "$SELF" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

check_settings
cmd=${1:-}
[[ $# -gt 0 ]] && shift
case $cmd in
  start) start ;;
  stop) stop ;;
  status) status ;;
  run) run ;;
  probe) probe ;;
  __probe_once) probe_once ;;
  fetch) fetch ;;
  nodetool) nodetool "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
