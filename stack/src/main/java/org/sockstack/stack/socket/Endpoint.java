package org.sockstack.stack.socket;

import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;

import java.util.Objects;

/**
 * A transport endpoint: an IP address and a port. An unspecified address (0.0.0.0 or ::) means
 * "any" when binding.
 */
public record Endpoint(IpAddress address, int port) {
    public static final Endpoint ANY_IPV4 = new Endpoint(Ipv4Address.ANY, 0);

    public Endpoint {
        Objects.requireNonNull(address);
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static Endpoint of(String address, int port) {
        return new Endpoint(IpAddress.parse(address), port);
    }

    @Override
    public String toString() {
        return address.version() == 6 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
