#!/usr/bin/env bash
# The connection-rate column of the peer table (connect, 1-octet echo, close; 500 connections per
# run) split by how the kernel placed the two threads, for Sockstack and lwIP fed directly.
#
# On the two-vCPU benchmark machine a run lands in one of two modes, and stays in it for the run:
#   co-located: the client and the stack's loop thread share one vCPU and hand the CPU to each
#               other on every frame (a sched trace shows every wake-up on the waker's own CPU);
#   apart:      they run on different vCPUs, and every frame costs a wake-up of a halted vCPU by
#               IPI (this VM polls nothing before halting).
# The mode, not the stack, decides most of a run's rate, so a median of five runs says which mode
# the majority landed in. This script runs more runs per stack, each set in a fresh stack process
# with the harness's warm-up, and reports each mode's own median. Runs are classed by their median
# connection time (p50 under 65 us: co-located); the classes are far apart (about 40-50 against
# 80-130 us).
#
# Usage: sudo scripts/bench-crr-modes.sh [--runs 15] [--work DIR]   (a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
WORK=/tmp/sockstack-peers RUNS=15
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) RUNS=$2; shift 2;;
  --work) WORK=$2; shift 2;;
  *) sed -n '2,17p' "$0"; exit 2;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (TAP devices and namespaces)" >&2; exit 2; }
[ -f "$PEERS/bench-stack.sh" ] || { echo "peer harness not found at $PEERS" >&2; exit 2; }

# The harness, writable; its results/ is left out so the files of an earlier bench-peers.sh run stay.
mkdir -p "$WORK/results"
(cd "$PEERS" && tar cf - --exclude=./results .) | (cd "$WORK" && tar xf -)
chmod -R u+w "$WORK"
if ! pkg-config --exists lwip 2>/dev/null; then
  apt-get update -qq && "$WORK/install-deps.sh" >/dev/null
fi
(cd "$WORK" && ./build.sh >/dev/null)
./sockstack --version >/dev/null   # builds the jar if the sources changed

(cd "$WORK" && ./bench-stack.sh --label crr-modes-lwip-direct --runs "$RUNS" --tests crr \
    -- build/lwip-tapsrv -D -i tap0 -a 192.0.2.2 -6 2001:db8::2 -x 3600 >/dev/null)
(cd "$WORK" && ./bench-stack.sh --label crr-modes-sockstack --runs "$RUNS" --tests crr \
    -- "$ROOT/sockstack" serve --tap tap0 --addr 192.0.2.2/24 --no-ipv6 --services echo,discard,chargen --warm-up >/dev/null)

/usr/bin/python3 - "$WORK/results/crr-modes-lwip-direct.raw" "$WORK/results/crr-modes-sockstack.raw" <<'PY'
import re, statistics, sys
print("| stack | runs | co-located runs | co-located conn/s (median) | apart conn/s (median) | all runs conn/s (median) |")
print("|---|---:|---:|---:|---:|---:|")
for path in sys.argv[1:]:
    runs = []
    for line in open(path):
        if "mode=crr" not in line:
            continue
        f = dict(re.findall(r"(\w+)=([\d.]+)", line))
        runs.append((float(f["p50_us"]), float(f["per_sec"])))
    near = [r for p50, r in runs if p50 < 65]
    apart = [r for p50, r in runs if p50 >= 65]
    med = lambda xs: f"{statistics.median(xs):.0f}" if xs else "-"
    name = path.rsplit("/", 1)[-1][len("crr-modes-"):-len(".raw")]
    print(f"| {name} | {len(runs)} | {len(near)} | {med(near)} | {med(apart)} | {med([r for _, r in runs])} |")
PY
