#!/usr/bin/env bash
# Conformance against an independent suite: runs the Smack Integration Test Framework (SINT,
# org.igniterealtime.smack:smack-integration-test) against a Chorus node and compares the outcomes
# with scripts/interop-expected.txt.
#
#   scripts/interop.sh [options] [HOST PORT DOMAIN]
#
# Without HOST PORT DOMAIN it starts a node of its own (scripts/run.sh: its own data directory under
# .chorus/interop, its own ports, a local Cassandra unless INTEROP_CASSANDRA names one), creates three
# accounts with chorusctl, runs the suite and stops the node. With them it tests that server: the
# accounts come from INTEROP_ACCOUNTS (one,two,three) and INTEROP_PASSWORD, or from chorusctl when the
# node's data directory (CHORUS_DATA_DIR) is on this machine; SINT registers its own accounts instead
# when the server offers in-band registration (XEP-0077).
#
# It prints one line per test, then the tests that fail without a reason in the list, the newly
# passing tests, the regressions, and "N passed, N failed, N skipped". It exits non-zero when a test
# listed as passing did not pass (and, with --strict, when a test passed that is not listed).
#
# Options:
#   --all-connections  low-level tests on every connection type (tcp, modular, modular-nocompress,
#                      modular-websocket-java11, modular-websocket-okhttp); the default is tcp, the stable
#                      yardstick, and modular-websocket-java11 (Smack over WebSocket, RFC 7395, with the JDK's
#                      WebSocket client)
#   --connections LIST these connection types (comma-separated): the ones above, or bosh (Smack's
#                      XMPPBOSHConnection at INTEROP_BOSH; not in CI's run: 2 of the 6 low-level tests pass,
#                      the expected list says how the others fail)
#   --strict           fail also when a test passes that the list does not name (CI uses this)
#   --update           rewrite the list's "pass" lines from this run's outcomes
#   --debug            Smack's console debugger: every stanza into the SINT log; the report then prints the
#                      stanzas of each failed test listed as passing or flaky (CI runs with it, so a failure
#                      seen once can be read from that run's output)
#   --tests PATTERNS   only these tests (Class, Class.method or Class.method/connection, comma-separated)
#   --single-run       all test classes in one SINT run, in SINT's random order (the default is one run
#                      per class, by name): finds tests that depend on what ran before them
#
# Environment (defaults in brackets):
#   INTEROP_DIR            run directory: logs, outcomes, the node's data [.chorus/interop]
#   INTEROP_CASSANDRA      host:port of a running Cassandra for the node (a fresh keyspace) [local node]
#   INTEROP_C2S_PORT       client port of the node it starts [the first free of 15222, 15232, ...];
#                          its other ports follow from it (admin: + 68, cluster: + 10398, Cassandra
#                          CQL: + 4120, storage: + 2078, JMX: + 2277)
#   INTEROP_WEBSOCKET      the WebSocket endpoint of the server [wss://DOMAIN:HTTP_PORT/xmpp-websocket of the
#                          node it starts; for another server: looked up at the domain (XEP-0156 host-meta)]
#   INTEROP_BOSH           the BOSH URL of the server, for the connection type bosh (Smack's XMPPBOSHConnection;
#                          run it with --connections) [https://DOMAIN:HTTP_PORT/http-bind/ of the node it starts]
#   INTEROP_CERT           PEM certificate to trust [DATA_DIR/tls/DOMAIN.crt.pem when present]
#   INTEROP_REPLY_TIMEOUT  SINT's reply timeout, milliseconds [20000]
#   INTEROP_TEST_TIMEOUT   seconds after which a test counts as hung [180]
#   INTEROP_EXPECTED       the expected list [scripts/interop-expected.txt]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly SINT_VERSION=4.5.0-beta5
# The cache's name changes with the set of jars interop/pom.xml resolves (-omemo: with smack-omemo-signal).
readonly SINT_LIB=${INTEROP_SINT_LIB:-$HOME/.cache/chorus/sint-$SINT_VERSION-omemo/lib}
readonly HERE=$ROOT/scripts
EXPECTED=$(realpath -m "${INTEROP_EXPECTED:-$HERE/interop-expected.txt}")
RUN=$(realpath -m "${INTEROP_DIR:-$ROOT/.chorus/interop}")
readonly EXPECTED RUN
readonly MAX_STARTS=20

say() { echo "interop: $*"; }
die() { echo "interop: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }

CONNECTIONS=tcp,modular-websocket-java11
STRICT=false
UPDATE=false
DEBUGGER=none
TESTS=
SINGLE=false
ARGS=()
while (($#)); do
  case $1 in
    --all-connections) CONNECTIONS=tcp,modular,modular-nocompress,modular-websocket-java11,modular-websocket-okhttp ;;
    --connections) CONNECTIONS=${2:?--connections needs a LIST}; shift ;;
    --strict) STRICT=true ;;
    --update) UPDATE=true ;;
    --debug) DEBUGGER=console ;;
    --tests) TESTS=${2:?--tests needs PATTERNS}; shift ;;
    --single-run) SINGLE=true ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
((${#ARGS[@]} == 0 || ${#ARGS[@]} == 3)) || die "give HOST PORT DOMAIN, or nothing to start a node"
[[ -f $EXPECTED ]] || die "no expected list at $EXPECTED"

# --- SINT jars ----------------------------------------------------------------------------------

fetch_sint() {
  [[ -f $SINT_LIB/.fetched ]] && return 0
  mkdir -p "${SINT_LIB%/*}"
  exec 8>"$SINT_LIB.lock"
  flock 8
  if [[ ! -f $SINT_LIB/.fetched ]]; then
    local tmp
    tmp=$(mktemp -d "$SINT_LIB.tmp.XXXXXX")
    say "resolving org.igniterealtime.smack:smack-integration-test:$SINT_VERSION with Maven into $SINT_LIB"
    if ! mvn -B -q -Dstyle.color=never -f "$HERE/interop/pom.xml" dependency:copy-dependencies \
        -Dsint.version="$SINT_VERSION" -DoutputDirectory="$tmp" >&2; then
      rm -rf "$tmp"
      die "Maven could not resolve the SINT jars"
    fi
    [[ -f $tmp/smack-integration-test-$SINT_VERSION.jar ]] || { rm -rf "$tmp"; die "resolved jars lack smack-integration-test"; }
    echo "org.igniterealtime.smack:smack-integration-test:$SINT_VERSION" >"$tmp/.fetched"
    rm -rf "$SINT_LIB"
    mv "$tmp" "$SINT_LIB"
  fi
  exec 8>&-
}

# --- the node -----------------------------------------------------------------------------------

NODE_PID=
stop_node() {
  [[ -n $NODE_PID ]] || return 0
  if kill -0 "$NODE_PID" 2>/dev/null; then
    # SIGTERM: a background job of a script ignores SIGINT, and so does the JVM it runs.
    kill -TERM "$NODE_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 600; i++)); do
      kill -0 "$NODE_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$NODE_PID" 2>/dev/null; then
      say "node (pid $NODE_PID) still running after 60 s, sending SIGKILL"
      kill -KILL "$NODE_PID" 2>/dev/null || true
    fi
  fi
  wait "$NODE_PID" 2>/dev/null || true
  NODE_PID=
  # The node stops its local Cassandra; should it have failed to, stop that Cassandra here.
  if [[ -f $RUN/node/cassandra/cassandra.pid ]]; then
    CHORUS_CASSANDRA_DATA=$RUN/node/cassandra "$HERE/cassandra.sh" stop >/dev/null || true
  fi
  # The node's Cassandra data is of no use after the run; its logs stay.
  rm -rf "$RUN/node/cassandra/data" "$RUN/node/cassandra/commitlog"
}

port_free() { ! { exec 7<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; }

# The ports of a node whose client port is $1: c2s, admin, cluster (Artery), local Cassandra CQL,
# Cassandra storage, JMX, and the HTTPS upload listener.
node_ports() { echo "$1" $(($1 + 68)) $(($1 + 10398)) $(($1 + 4120)) $(($1 + 2078)) $(($1 + 2277)) $(($1 + 63)); }

# The first client port from 15222 up, in steps of 10, whose node ports are all free (its Cassandra
# ports stay clear of the ones the tests use: 19042/17000, 19142/17100, 19242/17200, 19442/17400).
free_c2s_port() {
  local c2s p busy
  for ((c2s = 15222; c2s < 15322; c2s += 10)); do
    busy=
    for p in $(node_ports "$c2s"); do port_free "$p" || busy=$p; done
    [[ -z $busy ]] && { echo "$c2s"; return 0; }
  done
  die "no free ports for a node (tried client ports 15222-15312); set INTEROP_C2S_PORT"
}

start_node() {
  local c2s admin artery cql storage jmx upload p t0 opts
  c2s=${INTEROP_C2S_PORT:-$(free_c2s_port)}
  read -r _ admin artery cql storage jmx upload <<<"$(node_ports "$c2s")"
  for p in "$c2s" "$admin" "$artery" "$upload"; do port_free "$p" || die "port $p is in use; set INTEROP_C2S_PORT"; done
  opts="-Xms128m -Xmx768m -Dchorus.cluster.port=$artery -Dchorus.c2s.negotiation-timeout=2h"
  # In-band registration on, so that the low-level tests can create the fresh accounts they need;
  # every registration comes from 127.0.0.1, so the per-address limit is lifted for the run.
  opts+=" -Dchorus.registration.enabled=true -Dchorus.registration.per-address=100000"
  if [[ -n ${INTEROP_CASSANDRA:-} ]]; then
    export CHORUS_CASSANDRA_CONTACT_POINTS=$INTEROP_CASSANDRA
    opts+=" -Dchorus.cassandra.keyspace=interop_$(date +%s)"
  else
    unset CHORUS_CASSANDRA_CONTACT_POINTS
    for p in "$cql" "$storage" "$jmx"; do port_free "$p" || die "port $p is in use; set INTEROP_C2S_PORT"; done
    opts+=" -Dchorus.cassandra.local.cql-port=$cql -Dchorus.cassandra.local.storage-port=$storage"
    opts+=" -Dchorus.cassandra.local.profile=test -Dchorus.cassandra.local.heap=768M"
  fi
  export CHORUS_DATA_DIR=$RUN/node CHORUS_DOMAIN=localhost CHORUS_BIND=127.0.0.1
  export CHORUS_C2S_PORT=$c2s CHORUS_C2S_TLS_PORT=0 CHORUS_ADMIN_PORT=$admin CHORUS_HTTP_PORT=$upload CHORUS_S2S_PORT=0 CHORUS_S2S_TLS_PORT=0
  build_node_if_needed
  t0=$(now)
  JAVA_OPTS=$opts "$HERE/run.sh" > >(redact_admin_password "$RUN/node.out") 2>&1 </dev/null &
  NODE_PID=$!
  until grep -q '^Press Ctrl-C to stop' "$RUN/node.out" 2>/dev/null; do
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      tail -n 30 "$RUN/node.out" >&2
      NODE_PID=
      die "the node exited during start; see $RUN/node.out and $RUN/node/logs"
    fi
    (($(date +%s) - ${t0%.*} < 600)) || die "the node did not start within 600 s; see $RUN/node.out"
    sleep 0.2
  done
  say "node up in $(since "$t0") s (pid $NODE_PID, c2s 127.0.0.1:$c2s, data $RUN/node)"
  HOST=127.0.0.1 PORT=$c2s DOMAIN=localhost
  # The node's certificate names its domain, localhost, which resolves to the loopback address it binds.
  WEBSOCKET=${INTEROP_WEBSOCKET:-wss://localhost:$upload/xmpp-websocket}
  BOSH=${INTEROP_BOSH:-https://localhost:$upload/http-bind/}
}

# Creates the account, or sets its password when it exists already.
ensure_account() {
  "$HERE/chorusctl" user add "$1" - <<<"$2" >/dev/null 2>&1 \
    || "$HERE/chorusctl" user passwd "$1" - <<<"$2" >/dev/null \
    || die "chorusctl could not create $1"
}

# --- the run ------------------------------------------------------------------------------------

trap stop_node EXIT
t_all=$(now)
rm -rf "$RUN"
mkdir -p "$RUN"
fetch_sint

WEBSOCKET=${INTEROP_WEBSOCKET:-}
BOSH=${INTEROP_BOSH:-}
if ((${#ARGS[@]} == 3)); then
  HOST=${ARGS[0]} PORT=${ARGS[1]} DOMAIN=${ARGS[2]}
  export CHORUS_DATA_DIR=${CHORUS_DATA_DIR:-$ROOT/.chorus/node}
else
  start_node
fi

CERT=${INTEROP_CERT:-$CHORUS_DATA_DIR/tls/$DOMAIN.crt.pem}
TRUST=()
if [[ -f $CERT ]]; then
  keytool -importcert -noprompt -alias server -file "$CERT" -keystore "$RUN/trust.p12" \
    -storetype PKCS12 -storepass interop >/dev/null 2>&1 || die "keytool could not read $CERT"
  TRUST=(-Djavax.net.ssl.trustStore="$RUN/trust.p12" -Djavax.net.ssl.trustStoreType=PKCS12
    -Djavax.net.ssl.trustStorePassword=interop)
  say "trusting $CERT"
fi

ACCOUNTS=${INTEROP_ACCOUNTS:-}
if [[ -z $ACCOUNTS ]]; then
  if [[ -f $CHORUS_DATA_DIR/admin.token ]]; then
    ACCOUNTS=interop-one,interop-two,interop-three
    INTEROP_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    for a in ${ACCOUNTS//,/ }; do ensure_account "$a@$DOMAIN" "$INTEROP_PASSWORD"; done
  else
    ACCOUNTS=none
  fi
fi
export INTEROP_PASSWORD=${INTEROP_PASSWORD:-}

JAVA=$(java_bin)
mkdir -p "$RUN/classes"
"$(dirname "$(readlink -f "$JAVA")")/javac" -nowarn -proc:none -d "$RUN/classes" -cp "$SINT_LIB/*" "$HERE"/interop/*.java 2>&1 \
  | grep -v '^Note:' >&2 || true
[[ -f $RUN/classes/Interop.class ]] || die "scripts/interop/*.java did not compile"
interop() { (cd "$RUN" && "$JAVA" -Xmx768m "${TRUST[@]}" "$@" -cp "$RUN/classes:$SINT_LIB/*" Interop "${MODE[@]}"); }

say "SINT $SINT_VERSION against $DOMAIN at $HOST:$PORT${WEBSOCKET:+ and $WEBSOCKET}, connection types $CONNECTIONS; SINT log: $RUN/sint.log"
t_sint=$(now)
starts=0
while :; do
  starts=$((starts + 1))
  MODE=(run --host "$HOST" --port "$PORT" --domain "$DOMAIN" --connections "$CONNECTIONS"
    --accounts "$ACCOUNTS" --outcomes "$RUN/outcomes.tsv" --expected "$EXPECTED" --log "$RUN/sint.log"
    --test-timeout "${INTEROP_TEST_TIMEOUT:-180}" --single-run "$SINGLE" ${TESTS:+--tests "$TESTS"}
    ${WEBSOCKET:+--websocket "$WEBSOCKET"} ${BOSH:+--bosh "$BOSH"})
  rc=0
  interop -Dsinttest.replyTimeout="${INTEROP_REPLY_TIMEOUT:-20000}" -Dsinttest.debugger="$DEBUGGER" || rc=$?
  ((rc == 3)) || break
  ((starts < MAX_STARTS)) || die "$MAX_STARTS starts and tests still hang; see $RUN/sint.log"
  say "a test hung; starting SINT again for the tests left"
done
((rc == 0)) || die "SINT could not run (exit $rc); see $RUN/sint.log"
say "suite took $(since "$t_sint") s ($starts start(s)); everything $(since "$t_all") s"
stop_node

if [[ $UPDATE == true ]]; then
  MODE=(update --outcomes "$RUN/outcomes.tsv" --expected "$EXPECTED")
  interop
fi
MODE=(report --outcomes "$RUN/outcomes.tsv" --expected "$EXPECTED" --connections "$CONNECTIONS" --strict "$STRICT" --log "$RUN/sint.log"
  ${TESTS:+--tests "$TESTS"})
interop
