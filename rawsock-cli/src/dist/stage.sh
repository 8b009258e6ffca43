#!/usr/bin/env bash
# Lays out target/dist, the distribution's tree, at the package phase:
#   bin/rawsock  lib/*.jar lib/classpath lib/find-jdk.sh [lib/rawsock.aot lib/rawsock.aot.jdk]
#   share/man/man1/*.1  share/bash-completion/completions/rawsock  LICENSE
# then, when the JDK running the build is 25 or newer, makes the AOT cache by one training run of
# `rawsock ifaddrs` from that tree.
#   stage.sh TARGET_DIR CLI_JAR_NAME OUTPUT_TIMESTAMP JAVA_HOME
set -euo pipefail
target=$1 cli_jar=$2 stamp=$3 java_home=$4
module=$(cd "$target/.." && pwd)
root=$(cd "$module/.." && pwd)
dist=$target/dist
rm -rf "$dist"
mkdir -p "$dist/bin" "$dist/lib" "$dist/share/man/man1" "$dist/share/bash-completion/completions"
cp "$module/src/dist/bin/rawsock" "$dist/bin/rawsock"
chmod 755 "$dist/bin/rawsock"
cp "$root/scripts/find-jdk.sh" "$dist/lib/find-jdk.sh"
cp "$root/LICENSE" "$dist/LICENSE"
cp "$target/$cli_jar" "$dist/lib/"
cp "$target"/lib/*.jar "$dist/lib/"
# The class path in a fixed order, the command's jar first: the AOT cache holds the order it was made with.
{ echo "$cli_jar"; (cd "$target/lib" && ls -1 *.jar | LC_ALL=C sort); } > "$dist/lib/classpath"
cp "$target"/man/*.1 "$dist/share/man/man1/"
cp "$target/rawsock_completion" "$dist/share/bash-completion/completions/rawsock"
. "$root/scripts/find-jdk.sh" >/dev/null
rawsock_jdk_version "$java_home"
aot=0
if [ -n "$rawsock_v" ] && [ "$rawsock_v" -ge 25 ] && [ -n "$rawsock_rv" ]; then
  aot=1
  # picocli ships Java 5 class files, which an AOT cache leaves out: upgrade them, or every start
  # loads and verifies picocli from its jar.
  for jar in "$dist"/lib/picocli-*.jar; do
    "$java_home/bin/java" "$module/src/dist/UpgradeClassFiles.java" "$jar" "$jar.new" && mv "$jar.new" "$jar"
  done
fi
# Every file gets the build's fixed timestamp, as the tar.gz entries do: the AOT cache records each
# jar's mtime and size, so the cache made here stays valid once the archive is unpacked elsewhere.
find "$dist" -exec touch -h -d "$stamp" {} +

if [ "$aot" = 1 ]; then
  log=$target/aot-training.log
  if RAWSOCK_AOT_OUTPUT="$dist/lib/rawsock.aot" JAVA_HOME="$java_home" "$dist/bin/rawsock" ifaddrs >"$log" 2>&1 \
      && [ -s "$dist/lib/rawsock.aot" ]; then
    echo "$rawsock_rv" > "$dist/lib/rawsock.aot.jdk"
    touch -d "$stamp" "$dist/lib/rawsock.aot" "$dist/lib/rawsock.aot.jdk" "$dist/lib"
    echo "stage.sh: AOT cache for JDK $rawsock_rv made ($(du -h "$dist/lib/rawsock.aot" | cut -f1))"
  else
    # Not fatal: the command works without it, only slower to start.
    rm -f "$dist/lib/rawsock.aot" "$dist/lib/rawsock.aot.jdk"
    echo "stage.sh: no AOT cache, the training run failed (see $log)" >&2
  fi
else
  echo "stage.sh: no AOT cache: JDK ${rawsock_v:-?} at $java_home is older than 25"
fi
