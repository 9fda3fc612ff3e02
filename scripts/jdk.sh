# Sourced by ./test, ./sockstack and .ci/run: selects a JDK 21 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 21+, the java on PATH if it is 21+, then the newest JDK under /usr/lib/jvm.

java_major() { # prints the feature version of the java binary $1 (e.g. 25), or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

select_jdk() {
  local candidate v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(java_major "$JAVA_HOME/bin/java"); [ "${v:-0}" -ge 21 ] && return 0
  fi
  if command -v java >/dev/null 2>&1; then
    v=$(java_major "$(command -v java)")
    if [ "${v:-0}" -ge 21 ]; then
      JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")"); export JAVA_HOME; return 0
    fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    [ -x "$candidate/bin/javac" ] || continue
    v=$(java_major "$candidate/bin/java")
    if [ "${v:-0}" -ge 21 ]; then JAVA_HOME=${candidate%/}; export JAVA_HOME; return 0; fi
  done
  echo "error: Sockstack needs a JDK 21 or newer; set JAVA_HOME to one (found none on PATH or in /usr/lib/jvm)" >&2
  return 1
}

select_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
