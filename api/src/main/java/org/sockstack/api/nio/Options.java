package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Set;

/**
 * {@link StandardSocketOptions} as setsockopt/getsockopt calls: the level and option name of
 * each, the value as the 4-byte little-endian integer Winsock takes (booleans 0/1; SO_LINGER as
 * {@code struct linger}: l_onoff in the low 16 bits, l_linger in the high 16 bits).
 */
final class Options {
    private Options() {
    }

    static final Set<SocketOption<?>> STREAM = Set.of(StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.IP_TOS);

    static final Set<SocketOption<?>> LISTENER = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR);

    static final Set<SocketOption<?>> DATAGRAM = Set.of(StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST,
            StandardSocketOptions.IP_TOS, StandardSocketOptions.IP_MULTICAST_TTL,
            StandardSocketOptions.IP_MULTICAST_LOOP);

    /** An option's (level, name) and whether Java sees it as a boolean. */
    private record Mapping(int level, int name, boolean bool) { }

    private static Mapping map(SocketOption<?> o) {
        if (o == StandardSocketOptions.SO_RCVBUF) {
            return new Mapping(Wsa.SOL_SOCKET, Wsa.SO_RCVBUF, false);
        } else if (o == StandardSocketOptions.SO_SNDBUF) {
            return new Mapping(Wsa.SOL_SOCKET, Wsa.SO_SNDBUF, false);
        } else if (o == StandardSocketOptions.SO_REUSEADDR) {
            return new Mapping(Wsa.SOL_SOCKET, Wsa.SO_REUSEADDR, true);
        } else if (o == StandardSocketOptions.SO_KEEPALIVE) {
            return new Mapping(Wsa.SOL_SOCKET, Wsa.SO_KEEPALIVE, true);
        } else if (o == StandardSocketOptions.SO_BROADCAST) {
            return new Mapping(Wsa.SOL_SOCKET, Wsa.SO_BROADCAST, true);
        } else if (o == StandardSocketOptions.SO_LINGER) {
            return new Mapping(Wsa.SOL_SOCKET, Wsa.SO_LINGER, false);
        } else if (o == StandardSocketOptions.TCP_NODELAY) {
            return new Mapping(Wsa.IPPROTO_TCP, Wsa.TCP_NODELAY, true);
        } else if (o == StandardSocketOptions.IP_TOS) {
            return new Mapping(Wsa.IPPROTO_IP, Wsa.IP_TOS, false);
        } else if (o == StandardSocketOptions.IP_MULTICAST_TTL) {
            return new Mapping(Wsa.IPPROTO_IP, Wsa.IP_MULTICAST_TTL, false);
        } else if (o == StandardSocketOptions.IP_MULTICAST_LOOP) {
            return new Mapping(Wsa.IPPROTO_IP, Wsa.IP_MULTICAST_LOOP, true);
        }
        throw new UnsupportedOperationException("'" + o + "' not supported");
    }

    /**
     * The options of {@code candidates} the socket's provider knows (its getsockopt answers): the
     * user-space stack's TCP has no keep-alive timer, for one, so SO_KEEPALIVE is not offered there.
     */
    static Set<SocketOption<?>> probe(Winsock ws, long h, Set<SocketOption<?>> candidates) {
        java.util.Set<SocketOption<?>> known = new java.util.HashSet<>();
        for (SocketOption<?> o : candidates) {
            Mapping m = map(o);
            if (ws.getsockopt(h, m.level, m.name, new byte[4], new IntRef(4)) == 0) {
                known.add(o);
            }
        }
        return java.util.Collections.unmodifiableSet(known);
    }

    /** Checks the option and value as the JDK does (UnsupportedOperationException, IllegalArgumentException). */
    static <T> void validate(Set<SocketOption<?>> supported, SocketOption<T> name, T value) {
        if (!supported.contains(java.util.Objects.requireNonNull(name))) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        if (!name.type().isInstance(value)) {
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
        if ((name == StandardSocketOptions.SO_RCVBUF || name == StandardSocketOptions.SO_SNDBUF)
                && (Integer) value < 0) {
            throw new IllegalArgumentException("Invalid send/receive buffer size");
        }
        if (name == StandardSocketOptions.IP_TOS && ((Integer) value < 0 || (Integer) value > 255)) {
            throw new IllegalArgumentException("Invalid IP_TOS value");
        }
        if (name == StandardSocketOptions.IP_MULTICAST_TTL && ((Integer) value < 0 || (Integer) value > 255)) {
            throw new IllegalArgumentException("Invalid TTL/hop value");
        }
    }

    static <T> void set(Winsock ws, long h, SocketOption<T> name, T value) throws IOException {
        Mapping m = map(name);
        int v;
        if (m.bool) {
            v = (Boolean) value ? 1 : 0;
        } else if (name == StandardSocketOptions.SO_LINGER) {
            int secs = (Integer) value;
            v = secs < 0 ? 0 : 1 | Math.min(secs, 0xFFFF) << 16;
        } else {
            v = (Integer) value;
        }
        byte[] b = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        if (ws.setsockopt(h, m.level, m.name, b, 4) == Wsa.SOCKET_ERROR) {
            throw Io.exception("setsockopt", ws.WSAGetLastError());
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T get(Winsock ws, long h, SocketOption<T> name) throws IOException {
        Mapping m = map(name);
        byte[] b = new byte[4];
        if (ws.getsockopt(h, m.level, m.name, b, new IntRef(4)) == Wsa.SOCKET_ERROR) {
            throw Io.exception("getsockopt", ws.WSAGetLastError());
        }
        int v = (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
        if (m.bool) {
            return (T) Boolean.valueOf(v != 0);
        }
        if (name == StandardSocketOptions.SO_LINGER) {
            return (T) Integer.valueOf((v & 0xFFFF) == 0 ? -1 : v >>> 16);
        }
        return (T) Integer.valueOf(v);
    }
}
