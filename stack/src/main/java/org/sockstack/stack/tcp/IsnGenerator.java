package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;

/**
 * Chooses initial sequence numbers (RFC 9293 section 3.4.1). Pluggable (DESIGN rule 9): the
 * default is {@link Rfc6528IsnGenerator}; tests plug in a fixed one.
 */
@FunctionalInterface
public interface IsnGenerator {

    /** The ISN for a connection between the two endpoints at time {@code now} (nanoseconds). */
    int isn(IpAddress localAddress, int localPort, IpAddress remoteAddress, int remotePort, long now);
}
