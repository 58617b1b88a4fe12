# Shared by the scripts: where things are, and building the node when it is missing or stale.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly NODE_JAR_GLOB="$ROOT/node/target/chorus-node-*.jar"
readonly NODE_LIB="$ROOT/node/target/lib"

# Builds the node (without running tests) when its jar is missing or older than any source file.
# Tests are compiled but not run: the node module depends on the actors test-jar, which
# -Dmaven.test.skip would not build (and a fresh ~/.m2 does not hold). Nothing is installed into ~/.m2.
build_node_if_needed() {
  local jar
  jar=$(compgen -G "$NODE_JAR_GLOB" | grep -v -- '-tests.jar' | head -n1 || true)
  if [[ -n $jar && -d $NODE_LIB ]] && [[ -z $(find "$ROOT"/{persistence,actors,node}/src/main "$ROOT"/pom.xml \
      "$ROOT"/{persistence,actors,node}/pom.xml -newer "$jar" -print -quit 2>/dev/null) ]]; then
    return 0
  fi
  echo "chorus: building the node (mvn package, tests skipped)..." >&2
  # Maven 3.8 prints colour resets even in batch mode; they are dropped.
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package -pl node -am) 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2
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

# Installs a Debian package with apt when none of the given executables exists (root, or sudo without a
# password); otherwise says which test will fail. ensure_deb PACKAGE WHAT EXECUTABLE...
ensure_deb() {
  local package=$1 what=$2
  shift 2
  local exe
  for exe in "$@"; do
    if command -v "$exe" >/dev/null 2>&1 || [[ -x $exe ]]; then
      return 0
    fi
  done
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "chorus: $package is missing and this user cannot install it (apt-get install $package); $what will fail" >&2
      return 0
    fi
  fi
  echo "chorus: installing $package (for $what)..." >&2
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" </dev/null >&2; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2 &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" </dev/null >&2 ||
      echo "chorus: could not install $package; $what will fail" >&2
  fi
}

# dnsmasq (Debian's dnsmasq-base: the binary only, no system service): the DNS discovery and chorusctl
# check tests serve their DNS records with it.
ensure_dnsmasq() { ensure_deb dnsmasq-base "the DNS tests" dnsmasq /usr/sbin/dnsmasq; }

# Chromium: WebAdminIT drives the web admin in it.
ensure_chromium() { ensure_deb chromium "the web admin test" /usr/bin/chromium /usr/bin/chromium-browser; }
