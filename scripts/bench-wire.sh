#!/usr/bin/env bash
# Wire-format micro-benchmark: the cost of validating and reading one 1514-octet TCP/IPv4 frame
# (both checksums) and of the Internet checksum over 1460 octets, in ns/op, with JMH's GC profiler
# (gc.alloc.rate.norm must be ~0 B/op). Builds the testbed jar first.
# Usage: scripts/bench-wire.sh [JMH options]; options given replace the short defaults below,
#   e.g. scripts/bench-wire.sh -f 3 -wi 5 -i 10 -prof gc -p buffer=pooledDirect
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/jdk.sh"
cd "$here"
./mvnw -B -q -DskipTests package -pl testbed -am
# The benchmark's @Fork already disables Netty's leak detector. Netty needs sun.misc.Unsafe for fast
# direct buffers; JDK 24+ asks for it explicitly (as ./sockstack does).
fork_args=()
if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  fork_args=(-jvmArgsAppend=--sun-misc-unsafe-memory-access=allow)
fi
echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); CPUs: $(nproc)" >&2
jmh_opts=(-f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc)
[ $# -gt 0 ] && jmh_opts=("$@")
exec "$JAVA_HOME/bin/java" -cp testbed/target/sockstack.jar org.openjdk.jmh.Main WireParseBenchmark \
  "${jmh_opts[@]}" "${fork_args[@]}"
