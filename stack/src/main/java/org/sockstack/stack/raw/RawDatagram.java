package org.sockstack.stack.raw;

import org.sockstack.stack.wire.IpAddress;

/**
 * A datagram taken by a raw socket: its source and its octets, copied (each matching raw socket
 * gets its own copy, as in BSD's {@code rip_input}). Over IPv4 the octets begin with the IPv4
 * header (Winsock and BSD raw sockets see it); over IPv6 they are the upper-layer data only
 * (RFC 3542 section 3: "the IPv6 header is never passed to the application").
 */
public record RawDatagram(IpAddress source, byte[] data) {
}
