#!/usr/bin/env bash
# Measures the IPv6 host over TAP against the Linux kernel, bounded in count and time:
#   - flood ping: ping -6 -f -c COUNT -w 60 (round trips per second and loss)
#   - UDP echo over IPv6: the peer harness's client (../shared/peers/build/peerbench udp) if built
# Everything runs in a private namespace (2001:db8::/64) that is removed afterwards.
# Usage: scripts/bench-ipv6.sh [COUNT]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
NS=ssbench6-$$
TAP=ssb6t$$
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
./sockstack serve --tap "$TAP" --netns "$NS" --addr 192.0.2.2/24 --addr6 2001:db8::2/64 --services echo \
  > "/tmp/$NS.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do grep -q ready "/tmp/$NS.log" 2>/dev/null && break; sleep 0.2; done
grep -q ready "/tmp/$NS.log" || { cat "/tmp/$NS.log"; exit 1; }
ip -n "$NS" -6 addr add 2001:db8::1/64 dev "$TAP" nodad
# Our address is usable once Duplicate Address Detection has passed (about a second).
for _ in $(seq 1 20); do
  ip netns exec "$NS" ping -6 -c 1 -W 1 2001:db8::2 > /dev/null 2>&1 && break
  sleep 0.5
done
ip netns exec "$NS" ping -6 -c 3 -W 2 2001:db8::2 > /dev/null   # warm-up (NDP, JIT)

echo "== flood ping: ping -6 -f -c $COUNT -w 60"
start=$(date +%s.%N)
out=$(ip netns exec "$NS" timeout 90 ping -6 -f -c "$COUNT" -w 60 2001:db8::2 || true)
end=$(date +%s.%N)
echo "$out" | tail -3
sent=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
echo "round trips per second: $(echo "${sent:-0} / ($end - $start)" | bc -l | cut -d. -f1) (wall time $(echo "$end - $start" | bc -l | cut -c1-6) s)"

PB=${PEERBENCH:-../shared/peers/build/peerbench}
if [ -x "$PB" ]; then
  echo "== UDP echo over IPv6, client floods for 5 s (peer harness client)"
  ip netns exec "$NS" "$PB" udp 2001:db8::2 7 -t 5 2>&1 | tail -2
else
  echo "(build ../shared/peers with its build.sh for the UDP echo figure)"
fi
