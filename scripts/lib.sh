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

# dnsmasq (Debian's dnsmasq-base: the binary only, no system service) is the DNS server of the DNS
# discovery integration test. Installs it when missing, non-interactively; only warns when it cannot.
# Installs Debian's chromium when missing: WebAdminIT drives the web admin in headless Chromium.
ensure_chromium() {
  if [[ -x /usr/bin/chromium || -x /usr/bin/chromium-browser ]]; then
    return 0
  fi
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "chorus: chromium is missing and this user cannot install it (apt-get install chromium);" \
        "the web admin test will fail" >&2
      return 0
    fi
  fi
  echo "chorus: installing chromium (for the web admin test)..." >&2
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium </dev/null >&2; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2 &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium </dev/null >&2 ||
      echo "chorus: could not install chromium; the web admin test will fail" >&2
  fi
}

ensure_dnsmasq() {
  if command -v dnsmasq >/dev/null 2>&1 || [[ -x /usr/sbin/dnsmasq ]]; then
    return 0
  fi
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "chorus: dnsmasq is missing and this user cannot install it (apt-get install dnsmasq-base);" \
        "the DNS discovery test will fail" >&2
      return 0
    fi
  fi
  echo "chorus: installing dnsmasq-base (for the DNS discovery test)..." >&2
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dnsmasq-base </dev/null >&2; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2 &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dnsmasq-base </dev/null >&2 ||
      echo "chorus: could not install dnsmasq-base; the DNS discovery test will fail" >&2
  fi
}
