package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;

/** The 4-tuple that names a connection (RFC 9293 section 3.3.1 "socket pair"). */
record ConnKey(IpAddress localAddress, int localPort, IpAddress remoteAddress, int remotePort) {
}
