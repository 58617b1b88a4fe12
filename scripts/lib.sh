# Shared by the scripts: where things are, and building the node when it is missing or stale.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly NODE_JAR_GLOB="$ROOT/node/target/chorus-node-*.jar"
readonly NODE_LIB="$ROOT/node/target/lib"

# Builds the node (without running tests) when its jar is missing or older than any source file.
build_node_if_needed() {
  local jar
  jar=$(compgen -G "$NODE_JAR_GLOB" | grep -v -- '-tests.jar' | head -n1 || true)
  if [[ -n $jar && -d $NODE_LIB ]] && [[ -z $(find "$ROOT"/{persistence,actors,node}/src/main "$ROOT"/pom.xml \
      "$ROOT"/{persistence,actors,node}/pom.xml -newer "$jar" -print -quit 2>/dev/null) ]]; then
    return 0
  fi
  echo "chorus: building the node (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl node -am) >&2
}

node_classpath() {
  local jar
  jar=$(compgen -G "$NODE_JAR_GLOB" | grep -v -- '-tests.jar' | head -n1)
  echo "$jar:$NODE_LIB/*"
}

# Java 17 for the node (the Cassandra child picks its own Java 17 the same way).
java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java
  fi
}
