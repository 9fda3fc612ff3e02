#!/usr/bin/env bash
# Wire-format micro-benchmark: the cost of validating and reading one 1514-octet TCP/IPv4 frame
# (both checksums) and of the Internet checksum over 1460 octets, in ns/op, with JMH's GC profiler
# (gc.alloc.rate.norm must be ~0 B/op). Builds the testbed jar first.
# Usage: scripts/bench-wire.sh [extra JMH options, e.g. -p buffer=heap or -i 10]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/jdk.sh"
cd "$here"
./mvnw -B -q -DskipTests package -pl testbed -am
# Netty needs sun.misc.Unsafe for fast direct buffers; JDK 24+ asks for it explicitly (as ./sockstack does).
fork_args="-Dio.netty.leakDetection.level=disabled"
[ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ] && fork_args="$fork_args --sun-misc-unsafe-memory-access=allow"
echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); CPUs: $(nproc)" >&2
exec "$JAVA_HOME/bin/java" -Dio.netty.leakDetection.level=disabled \
  -cp testbed/target/sockstack.jar org.openjdk.jmh.Main WireParseBenchmark \
  -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -jvmArgsAppend "$fork_args" "$@"
