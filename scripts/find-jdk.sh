# Sourced by ./rawsock, ./run-tests, .ci/run and the distribution's bin/rawsock (as lib/find-jdk.sh):
# sets JAVA_HOME to a Java >= 22.
# Order: $JAVA_HOME if it is >= 22, then the newest /usr/lib/jvm/* that is, then `java` on PATH.
# A JDK (with javac) is required unless RAWSOCK_JRE_OK=1 (the distribution only runs java).
# Runs no JVM when the candidates have a `release` file: the command's start-up time includes this.

# Sets rawsock_v to the feature version of the Java at $1 (empty if none) and rawsock_rv to its full
# runtime version, from its `release` file, or by asking java when there is none.
rawsock_jdk_version() {
  rawsock_v="" rawsock_rv=""
  [ -x "$1/bin/java" ] || return 0
  [ "${RAWSOCK_JRE_OK:-0}" = 1 ] || [ -x "$1/bin/javac" ] || return 0
  local line
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=*) line=${line#*=}; line=${line//\"/}; rawsock_v=${line%%[.+-]*} ;;
        JAVA_RUNTIME_VERSION=*) line=${line#*=}; rawsock_rv=${line//\"/} ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$rawsock_v" ]; then
    rawsock_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1)
  fi
  case "$rawsock_v" in 1.*|*[!0-9]*) rawsock_v="" ;; esac
}
rawsock_find_jdk() {
  local best="" bestv=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    rawsock_jdk_version "$JAVA_HOME"
    if [ -n "$rawsock_v" ] && [ "$rawsock_v" -ge 22 ]; then rawsock_java_home=$JAVA_HOME; return 0; fi
  fi
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$d" ] || continue
    rawsock_jdk_version "$d"
    if [ -n "$rawsock_v" ] && [ "$rawsock_v" -ge 22 ] && [ "$rawsock_v" -gt "$bestv" ]; then best=$d; bestv=$rawsock_v; fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    rawsock_jdk_version "$d"; if [ -n "$rawsock_v" ] && [ "$rawsock_v" -ge 22 ]; then best=$d; fi
  fi
  rawsock_java_home=$best
  # rawsock_v/rawsock_rv describe the one chosen.
  [ -n "$best" ] && rawsock_jdk_version "$best"
  return 0
}
rawsock_java_home=""
rawsock_find_jdk
if [ -z "$rawsock_java_home" ]; then
  echo "rawsock: no JDK >= 22 found (looked at \$JAVA_HOME, /usr/lib/jvm/* and java on PATH); install one, e.g. Temurin 25, or set JAVA_HOME" >&2
  exit 1
fi
JAVA_HOME=$rawsock_java_home
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
