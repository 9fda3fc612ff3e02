#!/usr/bin/env bash
# Protocol-cost benchmarks of the stack itself (no device cost), with the JVM flags recommended:
#   1. TcpThroughputRun: one bulk TCP flow between two stacks in one JVM, one thread driving both;
#      Gbit/s of payload per core (CPU time) and ns per data segment.
#   2. StackPathBenchmark (JMH, -prof gc): one MSS through both stacks and its ACK; ns/op and
#      gc.alloc.rate.norm (octets allocated per operation).
#   3. TcpConnectionScale: N established idle connections (default 100 000) in one client and one
#      server stack: heap per idle endpoint and the accept rate of the listening stack.
# Usage: scripts/bench-core.sh [connections=100000] [throughput-seconds=5]
# The machine should be otherwise idle for wall-clock figures; the per-core figures use thread CPU time.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/jdk.sh"
cd "$here"
./mvnw -B -q -DskipTests package -pl testbed -am
n="${1:-100000}"
secs="${2:-5}"
java="$JAVA_HOME/bin/java"
# Recommended flags: Netty's leak detector off (it samples buffers with stack traces), Unsafe allowed
# (JDK 24+: else Netty makes a ByteBuffer view per bulk copy), the recycler usable from any thread,
# Parallel GC (throughput; pauses do not matter here).
flags=(-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled -Dio.netty.recycler.batchFastThreadLocalOnly=false)
if [ "$(java_major "$java")" -ge 24 ]; then
  flags+=(--sun-misc-unsafe-memory-access=allow)
fi
echo "JDK: $("$java" -version 2>&1 | head -1); CPUs: $(nproc)" >&2
cp=testbed/target/sockstack.jar
echo "== TcpThroughputRun (MTU 1500, 1 MiB buffers)"
"$java" "${flags[@]}" -cp "$cp" org.sockstack.testbed.bench.TcpThroughputRun "$secs" 1500 1024
echo "== TcpThroughputRun (MTU 9000, 4 MiB buffers)"
"$java" "${flags[@]}" -cp "$cp" org.sockstack.testbed.bench.TcpThroughputRun "$secs" 9000 4096
echo "== StackPathBenchmark (JMH, -prof gc)"
"$java" -cp "$cp" org.openjdk.jmh.Main StackPathBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc \
  -jvmArgsAppend="${flags[*]}"
echo "== TcpConnectionScale ($n connections)"
"$java" -Xmx3g "${flags[@]}" -cp "$cp" org.sockstack.testbed.bench.TcpConnectionScale "$n"
