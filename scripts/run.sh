#!/usr/bin/env bash
# Builds what is missing and runs one Chorus node in the foreground, with its own local Cassandra
# (unless CHORUS_CASSANDRA_CONTACT_POINTS names a cluster). Ctrl-C stops both cleanly.
#
# Prints the domain, the ports, the certificate fingerprint, and at the first start an admin account
# (admin@DOMAIN) with a random password, shown once.
#
# Environment: CHORUS_DOMAIN [localhost], CHORUS_BIND [0.0.0.0], CHORUS_C2S_PORT [5222],
# CHORUS_C2S_TLS_PORT [5223], CHORUS_S2S_ENABLED [true], CHORUS_S2S_PORT [5269], CHORUS_S2S_TLS_PORT [5270]
# (federation; 0 turns a listener off), CHORUS_DATA_DIR [.chorus/node], CHORUS_CASSANDRA_CONTACT_POINTS [local node],
# CHORUS_CONFIG (a HOCON file) [cluster-config/single-node.conf], JAVA_OPTS, JAVA_HOME (the node's Java: 17, or 25
# and later, where it keeps an ahead-of-time cache: scripts/node-jvm.sh, CHORUS_AOT [on]; its Cassandra stays on 17).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/node-jvm.sh"

export CHORUS_DATA_DIR=${CHORUS_DATA_DIR:-$ROOT/.chorus/node}
CONFIG=${CHORUS_CONFIG:-$ROOT/cluster-config/single-node.conf}
build_node_if_needed
mkdir -p "$CHORUS_DATA_DIR"
JAVA=$(java_bin)
NODE_CP=$(node_classpath)
# Options of newer Java, and on Java 25 and later the ahead-of-time cache (scripts/node-jvm.sh).
mapfile -t JVM_OPTS < <(node_jvm_opts "$JAVA" "$NODE_CP")
# shellcheck disable=SC2086
# A JVM out of memory ends at once, so that a supervisor can start it again (issue 14).
exec "$JAVA" -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:--Xms256m -Xmx1g} "${JVM_OPTS[@]}" -Dconfig.file="$CONFIG" \
  -cp "$NODE_CP" chorus.node.cli.Main --create-admin "$@"
