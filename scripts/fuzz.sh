#!/usr/bin/env bash
# The long fuzz run of issue 14: generated hostile XMPP input (node/src/test/.../stream/StreamFuzz.java)
# through the real stream decoder (XmlStreamDecoderFuzzTest) and through whole node sessions over real
# sockets (SessionFuzzIT, a node in the test JVM on a running Cassandra). mvn verify runs both briefly
# (3,000 and 600 inputs); this runs them long and prints the counts and the result.
#
#   scripts/fuzz.sh [DECODER_INPUTS [SESSION_INPUTS [SEED]]]     defaults: 100000 100000 14
#
# Needs a Cassandra for the session part: CHORUS_CASSANDRA_CQL_PORT (default 19042; scripts/cassandra.sh start).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DECODER=${1:-100000}
SESSION=${2:-100000}
SEED=${3:-14}
PORT=${CHORUS_CASSANDRA_CQL_PORT:-19042}
LOG=$(mktemp -t chorus-fuzz.XXXXXX)

echo "fuzz: $DECODER inputs through the decoder, $SESSION through node sessions (seed $SEED); log $LOG"
set +e
(cd "$ROOT" && mvn -o -B -pl persistence,actors,node verify \
  -Dtest=XmlStreamDecoderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SessionFuzzIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dchorus.fuzz.inputs="$DECODER" -Dchorus.fuzz.session-inputs="$SESSION" -Dchorus.fuzz.seed="$SEED" \
  -Dchorus.cassandra.cql-port="$PORT" -Dchorus.cassandra.required=true) >"$LOG" 2>&1
status=$?
set -e
grep -E '^(decoder|session) fuzz:' "$LOG" || true
if [[ $status -eq 0 ]]; then
  echo "fuzz: passed"
else
  grep -E 'input [0-9]+ of seed|FAIL' "$LOG" | head -20 || true
  echo "fuzz: FAILED (exit $status), see $LOG"
fi
exit $status
