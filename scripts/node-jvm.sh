# Sourced by scripts/run.sh: the node's JVM options that depend on its Java (17, or 25 and later).
#
# The node runs on Java 17 (Cassandra's) or on a newer one (JAVA_HOME); its local Cassandra stays on 17
# (scripts/cassandra.sh picks a Java 17 for it). On Java 25 and later the node keeps an ahead-of-time cache
# (JEP 483, 514, 515): a node's first thousand logins after a start cost it several times the CPU of later ones
# while classes are loaded and linked and the JIT gathers its profiles and compiles (loadtest/RESULTS.md, "Cold
# start: the lookup floor, the JVM's share, and Java 25's ahead-of-time cache", issue 18); the cache keeps the
# loaded and linked classes and the method profiles of one run, and the next run starts from them. The first run
# on a Java and a build records what it loads and runs until its clean stop (a kill -9 records nothing); the next
# start makes the cache from that (once, some seconds more) and every start on the same Java and the same jars uses
# it. A new build or another Java records a new one and removes the old. The cache holds classes, their linkage and
# method profiles, no account, address or message (AotCacheIT looks for them in it).
#
# CHORUS_AOT [on]: off leaves the cache out. Java 17 has no such cache (its class-data archive alone, measured, did
# not change the cold start), so there nothing changes. A cache that does not fit the JVM (other jars, another heap
# mode) is ignored with a warning; delete $CHORUS_DATA_DIR/jvm to record again, for example after a run that saw
# little traffic. What recording reports (classes it skips) goes to $CHORUS_DATA_DIR/jvm/aot.log.

# The release file of the JDK a java binary belongs to (JAVA_VERSION, JAVA_RUNTIME_VERSION, ...): read, not asked
# of a JVM, so that a start on Java 17 launches no second JVM for this. Empty when the JDK has none.
jvm_release() {
  cat "$(dirname "$(dirname "$(readlink -f "$1")")")/release" 2>/dev/null || true
}

# The major version of a java binary (17, 25, ...): from its release file, else from the JVM itself.
jvm_major() {
  local version
  version=$(jvm_release "$1" | sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p')
  if [[ -z $version ]]; then
    version=$("$1" -XshowSettings:properties -version 2>&1 |
      awk -F' = ' '/java.specification.version/ { print $2; exit }')
  fi
  echo "$version"
}

# Prints, one per line, the JVM options for the node started with java binary $1 and class path $2; says on
# standard error what it does with the cache.
node_jvm_opts() {
  local java=$1 classpath=$2 major dir key entry file
  major=$(jvm_major "$java")
  [[ $major =~ ^[0-9]+$ ]] && ((major >= 25)) || return 0
  # Netty and Pekko use sun.misc.Unsafe and load netty-tcnative's library: allowed as on 17, without a warning.
  echo "--sun-misc-unsafe-memory-access=allow"
  echo "--enable-native-access=ALL-UNNAMED"
  [[ ${CHORUS_AOT:-on} == off || " ${JAVA_OPTS:-} " == *" -XX:AOTCache"* ]] && return 0
  dir=$CHORUS_DATA_DIR/jvm
  mkdir -p "$dir"
  # The cache fits one Java and one set of jars: its name says which (the JDK's path and release, and each jar's
  # size and time).
  key=$({
    readlink -f "$java"
    jvm_release "$java"
    for entry in ${classpath//:/ }; do
      # shellcheck disable=SC2086
      ls -l --time-style=+%s $entry 2>/dev/null
    done
  } | sha256sum | cut -c1-16)
  file=$dir/node-$key.aot
  # Two steps, so that nothing runs at the node's stop but the JVM's own writing of what it saw: the recording
  # run writes a configuration at its clean stop, and the next start makes the cache from it (once, some seconds)
  # with its output in aot.log. (The one-step -XX:AOTCacheOutput starts a second JVM at the stop, which dies
  # with SIGPIPE when whatever read the node's output is gone by then.)
  if [[ ! -s $file && -s $file.config ]]; then
    echo "run: making the JVM ahead-of-time cache from the last run's recording (once)" >&2
    # shellcheck disable=SC2086
    if ! "$java" ${JAVA_OPTS:-} -XX:AOTMode=create -XX:AOTConfiguration="$file.config" -XX:AOTCache="$file" \
      -cp "$classpath" >>"$dir/aot.log" 2>&1; then
      echo "run: the JVM could not make its ahead-of-time cache (see $dir/aot.log); recording again" >&2
      rm -f "$file"
    fi
    rm -f "$file.config"
  fi
  if [[ -s $file ]]; then
    echo "run: JVM ahead-of-time cache $file" >&2
    echo "-XX:AOTCache=$file"
  else
    rm -f "$dir"/node-*.aot "$dir"/node-*.aot.config
    echo "run: recording for a JVM ahead-of-time cache until this run's clean stop ($file.config)" >&2
    echo "-Xlog:aot*=off"
    echo "-Xlog:aot*=warning:file=$dir/aot.log"
    echo "-XX:AOTMode=record"
    echo "-XX:AOTConfiguration=$file.config"
  fi
}
