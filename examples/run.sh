#!/usr/bin/env bash
# Proves the published artifacts from a user's side: installs the library (parent, BOM, packet, core,
# netty; no tests) into the local Maven repository, builds this standalone project against it, and
# runs each example twice: on the class path (--enable-native-access=ALL-UNNAMED) and on the module
# path (--enable-native-access=dev.rawsock). Needs root (raw sockets, AF_PACKET capture).
#   examples/run.sh              uses ~/.m2/repository
#   MAVEN_REPO_LOCAL=DIR examples/run.sh   another local repository
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/scripts/find-jdk.sh"
repo=()
[ -n "${MAVEN_REPO_LOCAL:-}" ] && repo=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
echo "examples: installing the library (JDK at $JAVA_HOME)" >&2
(cd "$root" && mvn -B -q -ntp "${repo[@]}" -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
   -pl rawsock-bom,rawsock-packet,rawsock-core,rawsock-netty -am install)
echo "examples: building against the installed artifacts" >&2
(cd "$here" && mvn -B -q -ntp "${repo[@]}" clean package)
jar="$here/target/rawsock-examples-1.0.jar"
lib="$here/target/lib"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {  # run LABEL java-args...
  local label=$1; shift
  echo "examples: $label" >&2
  "$JAVA_HOME/bin/java" "$@"
}
for mode in classpath modulepath; do
  if [ "$mode" = classpath ]; then
    launch=(--enable-native-access=ALL-UNNAMED -cp "$jar:$lib/*")
    main() { echo "dev.rawsock.examples.$1"; }
  else
    launch=(--enable-native-access=dev.rawsock -p "$jar:$lib" -m)
    main() { echo "dev.rawsock.examples/dev.rawsock.examples.$1"; }
  fi
  run "Ping on the $mode" "${launch[@]}" "$(main Ping)" 127.0.0.1 2
  run "CaptureToPcap on the $mode" "${launch[@]}" "$(main CaptureToPcap)" "$out/$mode.pcap" 3
  # The file is a pcap another tool reads, when tcpdump is here.
  if command -v tcpdump >/dev/null 2>&1; then
    n=$(tcpdump -nr "$out/$mode.pcap" 2>/dev/null | grep -c 'UDP, length')
    [ "$n" = 3 ] || { echo "examples: tcpdump read $n UDP packets from $out/$mode.pcap, want 3" >&2; exit 1; }
  fi
done
echo "examples: all ran on the class path and on the module path" >&2
