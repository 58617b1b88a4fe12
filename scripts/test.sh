#!/usr/bin/env bash
# Runs every test: unit tests, and integration tests against a real Cassandra node that this script
# starts for the run (its own data directory and ports) and always stops; then the independent
# conformance suite (scripts/interop.sh: Smack's integration tests against a node of its own, on the
# same Cassandra), which fails when a test listed in scripts/interop-expected.txt does not pass or a
# test passes that the list does not name. CHORUS_INTEROP=off leaves the suite out.
#
#   scripts/test.sh [extra mvn arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

export CHORUS_CASSANDRA_DATA=${CHORUS_CASSANDRA_DATA:-$ROOT/.chorus/test-cassandra}
export CHORUS_CASSANDRA_CQL_PORT=${CHORUS_CASSANDRA_CQL_PORT:-19042}
export CHORUS_CASSANDRA_STORAGE_PORT=${CHORUS_CASSANDRA_STORAGE_PORT:-17000}
export CHORUS_CASSANDRA_PROFILE=${CHORUS_CASSANDRA_PROFILE:-test}
export CHORUS_CASSANDRA_HEAP=${CHORUS_CASSANDRA_HEAP:-1536M}
export CHORUS_CASSANDRA_REQUIRED=true

ensure_dnsmasq
ensure_openssl
ensure_chromium
ensure_conversejs
export CHORUS_CONVERSEJS_DIR=${CHORUS_CONVERSEJS_DIR:-$(conversejs_dir)}
ensure_xmppjs
export CHORUS_XMPPJS_DIR=${CHORUS_XMPPJS_DIR:-$(xmppjs_dir)}
ensure_peers

stop_cassandra() { scripts/cassandra.sh stop || true; }
trap stop_cassandra EXIT

# A fresh data directory each run: no keyspaces left over from earlier runs.
if ! scripts/cassandra.sh status >/dev/null 2>&1; then
  rm -rf "$CHORUS_CASSANDRA_DATA"
fi
scripts/cassandra.sh start
mvn -B verify -Dchorus.cassandra.required=true "$@"
# The node may run on Java 25 (scripts/node-jvm.sh: its ahead-of-time cache; AotCacheIT above runs a node on it
# through scripts/run.sh). Where a JDK 25+ is installed (CHORUS_JAVA25_HOME, or Temurin's Debian path), the unit
# tests of persistence, actors and node run on it too; among them the tls-exporter tests (RFC 9266) of the JDK's own
# engine, which exports only from Java 25 on (BoringSSL's, the default engine, is checked on Java 17 above).
j25=${CHORUS_JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [[ -x $j25/bin/java ]]; then
  mvn -B -q -pl persistence,actors,node test -Djvm="$j25/bin/java" "$@"
  echo "test: the unit tests of persistence, actors and node passed on $("$j25/bin/java" -version 2>&1 | head -n1)"
else
  echo "test: no JDK 25+ at $j25 (CHORUS_JAVA25_HOME): the node was not tested on Java 25 (nor the JDK engine's tls-exporter)"
fi
if [[ ${CHORUS_INTEROP:-on} != off ]]; then
  INTEROP_CASSANDRA=127.0.0.1:$CHORUS_CASSANDRA_CQL_PORT scripts/interop.sh --strict --debug
  # The interop node printed its first admin account's password once; the file that kept its output must not hold it.
  if grep -E "admin account: .*password: [^(]" "${INTEROP_DIR:-.chorus/interop}/node.out"; then
    echo "test: a plaintext password was written to ${INTEROP_DIR:-.chorus/interop}/node.out" >&2
    exit 1
  fi
fi
