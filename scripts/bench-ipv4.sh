#!/usr/bin/env bash
# Measures the IPv4 host over TAP against the Linux kernel, bounded in count and time:
#   - flood ping: ping -f -c COUNT (round trips per second and loss)
#   - UDP echo: the peer harness's client (../shared/peers/build/peerbench udp) if it is built,
#     else a bounded socat loop
# Everything runs in a private namespace (192.0.2.0/24) that is removed afterwards.
# Usage: scripts/bench-ipv4.sh [COUNT]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
NS=ssbench-$$
TAP=ssbt$$
[ "$(id -u)" = 0 ] || { echo "needs root (TAP device and namespace)" >&2; exit 2; }
./sockstack --version >/dev/null   # builds if needed

ip netns add "$NS"
SERVE_PID=
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip -n "$NS" link set lo up
./sockstack serve --tap "$TAP" --netns "$NS" --addr 192.0.2.2/24 --services echo > "/tmp/$NS.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do grep -q ready "/tmp/$NS.log" 2>/dev/null && break; sleep 0.2; done
grep -q ready "/tmp/$NS.log" || { cat "/tmp/$NS.log"; exit 1; }
ip -n "$NS" addr add 192.0.2.1/24 dev "$TAP"
ip netns exec "$NS" ping -c 3 -W 2 192.0.2.2 > /dev/null   # warm-up (ARP, JIT)

echo "== flood ping: ping -f -c $COUNT (bounded to 120 s)"
start=$(date +%s.%N)
ip netns exec "$NS" timeout 120 ping -f -c "$COUNT" -w 120 192.0.2.2 | tail -3
end=$(date +%s.%N)
echo "round trips per second: $(echo "$COUNT / ($end - $start)" | bc -l | cut -d. -f1) (wall time $(echo "$end - $start" | bc -l | cut -c1-6) s)"

PB=../shared/peers/build/peerbench
if [ -x "$PB" ]; then
  echo "== UDP echo, 18-byte datagrams, client floods for 5 s (peer harness client)"
  ip netns exec "$NS" "$PB" udp 192.0.2.2 7 -t 5 2>&1 | tail -2
else
  echo "(build ../shared/peers with its build.sh for the UDP echo figure)"
fi
