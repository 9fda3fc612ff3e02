package org.sockstack.stack.udp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.socket.Endpoint;

/**
 * A received datagram: who sent it, where it was addressed, on which interface, and its data.
 * The data buffer belongs to whoever takes the datagram from the socket: release it.
 *
 * @param source         the sender's address and port
 * @param destination    the address it was sent to (ours, a broadcast or a multicast group)
 * @param interfaceIndex the interface it arrived on (for packet-info control data)
 * @param data           the payload
 */
public record UdpDatagram(Endpoint source, Endpoint destination, int interfaceIndex, ByteBuf data) {
}
