#!/bin/bash
# Small IPv4 fragments: the smallest IPv4 MTU (68, RFC 791) makes every fragment fit in a short fixture.
set -u
# Run as root. Writes pcap files to $OUT; dump them with: tcpdump -n -r FILE -xx
OUT=${OUT:-/tmp/wire-ip-captures}; HERE=$(cd "$(dirname "$0")" && pwd); mkdir -p "$OUT"
A=wire-ipA; B=wire-ipB
cleanup() { ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; }
trap cleanup EXIT
cleanup
ip netns add $A; ip netns add $B
ip link add wipA netns $A type veth peer name wipB netns $B
ip netns exec $A ethtool -K wipA tx off >/dev/null; ip netns exec $B ethtool -K wipB tx off >/dev/null
ip -n $A link set wipA address 02:00:00:00:0a:01
ip -n $B link set wipB address 02:00:00:00:0b:02
ip -n $A link set wipA mtu 68; ip -n $B link set wipB mtu 68
ip -n $A addr add 192.0.2.1/24 dev wipA
ip -n $B addr add 192.0.2.2/24 dev wipB
ip -n $A link set wipA up; ip -n $B link set wipB up
ip netns exec $A timeout 10 tcpdump -U -n -i wipA -c 20 -w $OUT/frag68.pcap ip 2>/dev/null &
TD=$!
sleep 1.5
ip netns exec $A ping -c1 -W1 -s 100 192.0.2.2
sleep 0.5
kill $TD 2>/dev/null; wait $TD
