# Sourced by ./rawsock, ./run-tests and .ci/run: sets JAVA_HOME to a JDK >= 22.
# Order: $JAVA_HOME if it is >= 22, then the newest /usr/lib/jvm/* that is, then `java` on PATH.
rawsock_jdk_version() {  # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1
}
rawsock_find_jdk() {
  local v best="" bestv=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(rawsock_jdk_version "$JAVA_HOME"); if [ -n "$v" ] && [ "$v" -ge 22 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$d" ] || continue
    v=$(rawsock_jdk_version "$d")
    if [ -n "$v" ] && [ "$v" -ge 22 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(rawsock_jdk_version "$d"); if [ -n "$v" ] && [ "$v" -ge 22 ] 2>/dev/null; then best=$d; fi
  fi
  [ -n "$best" ] && echo "$best"
}
JAVA_HOME=$(rawsock_find_jdk) || true
if [ -z "$JAVA_HOME" ]; then
  echo "rawsock: no JDK >= 22 found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. Temurin 25, or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
