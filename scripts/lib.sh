# Shared by the scripts: where things are, and building the node when it is missing or stale.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly NODE_JAR_GLOB="$ROOT/node/target/chorus-node-*.jar"
readonly NODE_LIB="$ROOT/node/target/lib"

# The node prints its first admin account's password once, on its standard output. A script that keeps a node's
# output in a file passes it through this: FILE gets each line, the admin line without its password (no plaintext
# password on disk: the privacy promise), and with a PREFIX the whole admin line goes to the script's standard error,
# for the person who started it, when that is a terminal (not a log file).
redact_admin_password() {
  local file=$1 prefix=${2:-} line
  : >"$file"
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == *"admin account: "*"password: "* ]]; then
      # Only to a terminal: standard error kept in a file (a benchmark's log, CI) would keep the password on disk.
      if [[ -n $prefix && -t 2 ]]; then
        printf '%s%s\n' "$prefix" "$line" >&2
      elif [[ -n $prefix ]]; then
        printf '%s%s\n' "$prefix" "${line%%password: *}password: (not shown: standard error is no terminal; set one with chorusctl user passwd)" >&2
      fi
      line="${line%%password: *}password: (shown once on the terminal, not kept in this file)"
    fi
    printf '%s\n' "$line" >>"$file"
  done
}

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

# Installs Debian packages non-interactively (apt-get update first when the lists are stale). $1 says what
# they are for; only warns when this user cannot install or the install fails. Maintainer scripts start
# no service meanwhile: a policy-rc.d that says 101 is put in place when the machine has none, and
# services a package enabled are disabled again (the tests run private instances, never these).
apt_install_for() {
  local purpose=$1
  shift
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "chorus: $* missing and this user cannot install them (apt-get install $*); $purpose will fail" >&2
      return 0
    fi
  fi
  echo "chorus: installing $* (for $purpose)..." >&2
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# put here by chorus scripts/lib.sh for one apt-get run\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null &&
      "${sudo[@]}" chmod 755 "$policy" && created=1
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null >&2; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2 &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null >&2 ||
      echo "chorus: could not install $*; $purpose will fail" >&2
  fi
  ((created)) && "${sudo[@]}" rm -f "$policy"
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    local unit
    for unit in "$@"; do
      "${sudo[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
  return 0
}

# dnsmasq (Debian's dnsmasq-base: the binary only, no system service) is the DNS server of the DNS
# discovery and federation integration tests. Installs it when missing.
ensure_dnsmasq() {
  if command -v dnsmasq >/dev/null 2>&1 || [[ -x /usr/sbin/dnsmasq ]]; then
    return 0
  fi
  apt_install_for "the DNS tests" dnsmasq-base
}

# The OpenSSL command line: the TLS exporter tests (KeyLogExporterTest, TlsExporterIT) check the node's tls-exporter
# against OpenSSL's own (s_client -keymatexport). Installs it when missing.
ensure_openssl() {
  command -v openssl >/dev/null 2>&1 || apt_install_for "the TLS exporter tests" openssl
}

# Prosody 0.12 (with lua-unbound, its resolver) and ejabberd 23.01 are the peers of the federation
# tests, which run private instances of them (node/src/test/java/chorus/node/it/peers); slixmpp
# (python3-slixmpp) is their external component library. Installs the Debian packages when missing;
# their system services are not started.
ensure_peers() {
  local missing=() pkg
  command -v prosody >/dev/null 2>&1 || missing+=(prosody)
  for pkg in lua-unbound python3-slixmpp; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  command -v ejabberdctl >/dev/null 2>&1 || [[ -x /usr/sbin/ejabberdctl ]] || missing+=(ejabberd)
  ((${#missing[@]} == 0)) || apt_install_for "the federation tests" "${missing[@]}"
}

# Chromium: WebAdminIT drives the web admin in it.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
    return 0
  fi
  apt_install_for "the web admin test" chromium
}

# Converse.js (npm converse.js, its prebuilt dist/ only): ConverseIT runs it in Chromium against a node.
# Fetched once with npm into ~/.cache/chorus/converse.js-VERSION (override: CHORUS_CONVERSEJS_DIR); the
# test finds it there (or through -Dchorus.it.conversejs).
readonly CONVERSEJS_VERSION=12.0.0
conversejs_dir() { echo "${CHORUS_CONVERSEJS_DIR:-$HOME/.cache/chorus/converse.js-$CONVERSEJS_VERSION}"; }
ensure_conversejs() {
  local dir tmp tgz
  dir=$(conversejs_dir)
  [[ -f $dir/dist/converse.min.js ]] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    apt_install_for "the Converse.js test" npm
    command -v npm >/dev/null 2>&1 || return 0
  fi
  echo "chorus: fetching converse.js $CONVERSEJS_VERSION with npm into $dir..." >&2
  mkdir -p "${dir%/*}"
  tmp=$(mktemp -d "$dir.tmp.XXXXXX")
  if tgz=$(cd "$tmp" && npm pack --silent "converse.js@$CONVERSEJS_VERSION" 2>/dev/null | tail -n1) &&
      tar -xzf "$tmp/$tgz" -C "$tmp" package/dist && [[ -f $tmp/package/dist/converse.min.js ]]; then
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  else
    rm -rf "$tmp"
    echo "chorus: could not fetch converse.js $CONVERSEJS_VERSION with npm; ConverseIT will fail" >&2
  fi
  return 0
}

# xmpp.js (npm @xmpp/client, with its SASL2, Bind2 and FAST packages): Sasl2IT runs a small driver of it
# (node/src/test/resources/sasl2/driver.mjs) with Node.js against a node. Installed once with npm into
# ~/.cache/chorus/xmppjs-VERSION (override: CHORUS_XMPPJS_DIR); the test finds it there.
readonly XMPPJS_VERSION=0.14.0
xmppjs_dir() { echo "${CHORUS_XMPPJS_DIR:-$HOME/.cache/chorus/xmppjs-$XMPPJS_VERSION}"; }
ensure_xmppjs() {
  local dir tmp
  dir=$(xmppjs_dir)
  [[ -f $dir/node_modules/@xmpp/client/package.json ]] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    apt_install_for "the xmpp.js test" npm
    command -v npm >/dev/null 2>&1 || return 0
  fi
  echo "chorus: fetching xmpp.js $XMPPJS_VERSION with npm into $dir..." >&2
  mkdir -p "${dir%/*}"
  tmp=$(mktemp -d "$dir.tmp.XXXXXX")
  if (cd "$tmp" && echo '{"name":"chorus-xmppjs","private":true}' >package.json &&
      npm install --silent --no-audit --no-fund "@xmpp/client@$XMPPJS_VERSION" >/dev/null 2>&1) &&
      [[ -f $tmp/node_modules/@xmpp/client/package.json ]]; then
    rm -rf "$dir"
    mv "$tmp" "$dir"
  else
    rm -rf "$tmp"
    echo "chorus: could not fetch xmpp.js $XMPPJS_VERSION with npm; Sasl2IT will fail" >&2
  fi
  return 0
}
