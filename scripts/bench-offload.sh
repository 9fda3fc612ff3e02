#!/usr/bin/env bash
# Measures TCP throughput of `sockstack serve` over TAP against the Linux kernel, without and with
# the TAP offloads (--offload: virtio-net header, checksum offload, TSO/GSO), using the peer-stack
# harness in ../shared/peers (README.md there): bench-stack.sh creates a namespace with a TAP
# device (kernel side 192.0.2.1/24), starts the stack in it, runs the kernel-side peerbench client
# (sink = kernel->stack, source = stack->kernel), stops the stack by PID and deletes the namespace.
#
# The harness directory is read-only, so it is copied to WORK (default /tmp/sockstack-bench-offload)
# and peerbench is compiled there; results land in WORK/results.
#
# Usage: sudo scripts/bench-offload.sh [--runs 3] [--secs 5] [--tests sink,source] [--work DIR]
# The machine has 2 cores: other load makes the figures noisy; compare the two rows of one run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
WORK=/tmp/sockstack-bench-offload RUNS=3 SECS=5 TESTS=sink,source
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) RUNS=$2; shift 2;;
  --secs) SECS=$2; shift 2;;
  --tests) TESTS=$2; shift 2;;
  --work) WORK=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (TAP device and namespace)" >&2; exit 2; }
[ -f "$PEERS/bench-stack.sh" ] || { echo "peer harness not found at $PEERS" >&2; exit 2; }

mkdir -p "$WORK/build" "$WORK/results"
cp "$PEERS"/{bench-stack.sh,run-bench.sh,setup-ns.sh,summarize.py} "$WORK/"
chmod u+w "$WORK"/*.sh "$WORK/summarize.py"
chmod +x "$WORK"/*.sh "$WORK/summarize.py"
[ -x "$WORK/build/peerbench" ] || gcc -O2 -Wall -o "$WORK/build/peerbench" "$PEERS/src/peerbench.c" -lpthread

./sockstack --version >/dev/null   # builds the jar if the sources changed

# Our own namespace and TAP names (branch prefix), so parallel benchmarks do not collide.
NS=perf-offload-tap TAP=pofftap0
for mode in nooffload offload; do
  flag=(); [ "$mode" = offload ] && flag=(--offload)
  echo "== sockstack-$mode"
  "$WORK/bench-stack.sh" --label "sockstack-$mode" --ns "$NS" --tap "$TAP" \
      --runs "$RUNS" --secs "$SECS" --tests "$TESTS" \
      -- "$ROOT/sockstack" serve --tap "$TAP" --addr 192.0.2.2/24 --no-ipv6 --services echo,discard,chargen "${flag[@]}"
done
echo
python3 "$WORK/summarize.py" --table "$WORK/results/sockstack-nooffload.raw" "$WORK/results/sockstack-offload.raw" \
  | grep -v " 0 (0-0)" || true
