import socket, struct
IPV6_HOPOPTS = 54
IPV6_DSTOPTS = 59
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8::1", 40002))
# Destination options header: next header (filled by kernel), hdr ext len 0, then 6 octets of options:
# an experimental option type 0x1e (RFC 4727) length 2 data 0xabcd, then PadN length 0 (2 octets).
dst = bytes([0, 0, 0x1e, 2, 0xab, 0xcd, 1, 0])
try:
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_DSTOPTS, dst)
    s.sendto(b"dstopts", ("2001:db8::2", 7777))
except OSError as e:
    print("dstopts:", e)
s.close()
