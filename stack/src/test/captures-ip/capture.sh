#!/bin/bash
# Captures kernel frames for the wire-ip tests inside private namespaces wire-ipA / wire-ipB.
set -u
# Run as root. Writes pcap files to $OUT; dump them with: tcpdump -n -r FILE -xx
OUT=${OUT:-/tmp/wire-ip-captures}; HERE=$(cd "$(dirname "$0")" && pwd); mkdir -p "$OUT"
A=wire-ipA; B=wire-ipB
cleanup() { ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; }
trap cleanup EXIT
cleanup
ip netns add $A; ip netns add $B
ip link add wipA netns $A type veth peer name wipB netns $B
ip -n $A link set lo up; ip -n $B link set lo up
# Software checksums: with tx offload the veth leaves UDP checksums partial (pseudo-header only).
# Needs ethtool (Debian package ethtool).
ip netns exec $A ethtool -K wipA tx off >/dev/null; ip netns exec $B ethtool -K wipB tx off >/dev/null
ip -n $A link set wipA address 02:00:00:00:0a:01
ip -n $B link set wipB address 02:00:00:00:0b:02
ip -n $A addr add 192.0.2.1/24 dev wipA
ip -n $B addr add 192.0.2.2/24 dev wipB
ip -n $A addr add 2001:db8::1/64 dev wipA nodad
ip -n $B addr add 2001:db8::2/64 dev wipB nodad
ip -n $A link set wipA up
sleep 0.5
ip netns exec $A timeout 25 tcpdump -U -n -i wipA -c 400 -w $OUT/all.pcap 2>$OUT/tcpdump.err &
TD=$!
sleep 1.5
ip -n $B link set wipB up
sleep 3
ip netns exec $A ping -c1 -W1 192.0.2.2
ip netns exec $A ping -c1 -W1 -R 192.0.2.2
ip netns exec $A ping -c1 -W1 -s 3000 192.0.2.2
ip netns exec $A ping -6 -c1 -W1 2001:db8::2
ip netns exec $A ping -6 -c1 -W1 -s 3000 2001:db8::2
ip netns exec $B timeout 5 socat -u UDP4-RECV:7777 /dev/null &
ip netns exec $B timeout 5 socat -u UDP6-RECV:7777,ipv6only=1 /dev/null &
sleep 0.5
echo "hello sockstack" | ip netns exec $A socat -u - UDP4-SENDTO:192.0.2.2:7777,sourceport=40000
echo "hello sockstack v6" | ip netns exec $A socat -u - UDP6-SENDTO:[2001:db8::2]:7777,sourceport=40001
# IPv6 destination options and hop-by-hop via socket options (kernel builds the headers)
ip netns exec $A python3 "$HERE/extopts.py" || echo "extopts failed"
# SRv6 routing header via seg6 encap
ip -n $A -6 route add 2001:db8:99::1/128 encap seg6 mode inline segs 2001:db8::2 dev wipA && \
  ip netns exec $A ping -6 -c1 -W1 2001:db8:99::1 || echo "seg6 failed"
sleep 1
kill $TD 2>/dev/null; wait $TD
