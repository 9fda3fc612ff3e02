#!/usr/bin/env bash
# Reproduces the performance table of the performance issue: Sockstack (`sockstack serve`, with
# and without the TAP offloads) side by side with the peer stacks of ../shared/peers (gVisor
# netstack, lwIP, lwIP with direct input, and the kernel rows), all measured in this one run by
# the same kernel-side client tools. Read ../shared/peers/README.md for what each column means.
#
# The harness directory is shared and read-only, so it is copied to WORK (default
# /tmp/sockstack-peers) and built there (its build.sh: peerbench, peerserv, taprelay, gVisor and
# lwIP servers; Debian packages from its install-deps.sh, installed here if missing).
#
# Usage: sudo scripts/bench-peers.sh [--runs 5] [--secs 5] [--only ROWS] [--work DIR]
#   ROWS: comma list among kernel-veth,kernel-veth-nooffload,kernel-taprelay,gvisor,lwip,lwip-direct,
#         sockstack,sockstack-cold,sockstack-1thread,sockstack-offload,sockstack-busypoll (default: all)
#   sockstack: `serve --warm-up` (the JIT warm-up before the device opens; TAP transmit thread on);
#   sockstack-cold: `serve` without the warm-up (the first connections run in the interpreter);
#   sockstack-1thread: --warm-up --no-tx-thread (every frame written by the event loop);
#   sockstack-offload: --warm-up --offload (virtio-net header, TSO/GSO);
#   sockstack-busypoll: --warm-up --busy-poll 50 (the loop polls 50 us after work before sleeping).
# Takes about 25-35 minutes with the defaults. The machine has 2 cores: run it on an otherwise idle
# machine, and compare rows of one run with each other (medians of --runs runs).
# JVM flags for the stack: ./sockstack's (Netty leak detection off, Parallel GC) plus SOCKSTACK_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
WORK=/tmp/sockstack-peers RUNS=5 SECS=5
ONLY=kernel-veth,kernel-veth-nooffload,kernel-taprelay,gvisor,lwip,lwip-direct,sockstack,sockstack-cold,sockstack-1thread,sockstack-offload,sockstack-busypoll
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) RUNS=$2; shift 2;;
  --secs) SECS=$2; shift 2;;
  --only) ONLY=$2; shift 2;;
  --work) WORK=$2; shift 2;;
  *) sed -n '2,20p' "$0"; exit 2;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (TAP devices and namespaces)" >&2; exit 2; }
[ -f "$PEERS/run-all.sh" ] || { echo "peer harness not found at $PEERS" >&2; exit 2; }
want() { case ",$ONLY," in *",$1,"*) return 0;; *) return 1;; esac; }

# The harness, writable, with its peers built.
mkdir -p "$WORK"
cp -r "$PEERS"/. "$WORK/"
chmod -R u+w "$WORK"
rm -rf "$WORK/results" && mkdir -p "$WORK/results"
if ! command -v go >/dev/null || ! pkg-config --exists lwip 2>/dev/null; then
  apt-get update -qq && "$WORK/install-deps.sh" >/dev/null
fi
(cd "$WORK" && ./build.sh >/dev/null)


./sockstack --version >/dev/null   # builds the jar if the sources changed

peers=()
for row in kernel-veth kernel-veth-nooffload kernel-taprelay gvisor lwip lwip-direct; do
  want "$row" && peers+=("$row")
done
if [ ${#peers[@]} -gt 0 ]; then
  (IFS=,; cd "$WORK" && ./run-all.sh --runs "$RUNS" --secs "$SECS" --iperf-runs 1 --iperf-secs 3 --only "${peers[*]}" >/dev/null)
fi
for mode in sockstack sockstack-cold sockstack-1thread sockstack-offload sockstack-busypoll; do
  want "$mode" || continue
  flag=(--warm-up)
  [ "$mode" = sockstack-cold ] && flag=()
  [ "$mode" = sockstack-1thread ] && flag+=(--no-tx-thread)
  [ "$mode" = sockstack-offload ] && flag+=(--offload)
  [ "$mode" = sockstack-busypoll ] && flag+=(--busy-poll 50)
  (cd "$WORK" && ./bench-stack.sh --label "$mode" --runs "$RUNS" --secs "$SECS" \
      -- "$ROOT/sockstack" serve --tap tap0 --addr 192.0.2.2/24 --no-ipv6 --services echo,discard,chargen "${flag[@]}")
done

files=()
for l in kernel-veth kernel-veth-nooffload kernel-taprelay gvisor lwip lwip-direct sockstack sockstack-cold sockstack-1thread sockstack-offload sockstack-busypoll; do
  [ -f "$WORK/results/$l.raw" ] && files+=("$WORK/results/$l.raw")
done
echo
/usr/bin/python3 "$WORK/summarize.py" --table "${files[@]}" | tee "$WORK/results/table.md"
