package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.util.ArrayList;
import java.util.List;

/**
 * The socket options a stream socket keeps when DisconnectEx or TransmitFile with
 * TF_REUSE_SOCKET returns its handle to a fresh state ({@link BaseTransportProvider#reuseSocket}).
 * Microsoft documents only that the handle can be passed to AcceptEx or ConnectEx again; which
 * options survive is not recorded in the reference, so the provider keeps what an application
 * set on the handle itself (buffer sizes, time-outs, keep-alive, linger, address sharing,
 * TCP_NODELAY, IP_TTL / IP_TOS, IPV6_V6ONLY) and starts everything that belonged to the
 * connection afresh (binding, SO_ERROR, shutdown state, recorded network events).
 */
final class SocketReuse {
    private SocketReuse() {
    }

    /** (level, name) pairs carried over, in the order they are set again. */
    private static final int[][] KEPT = {
            {Wsa.SOL_SOCKET, Wsa.SO_RCVBUF}, {Wsa.SOL_SOCKET, Wsa.SO_SNDBUF},
            {Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO}, {Wsa.SOL_SOCKET, Wsa.SO_SNDTIMEO},
            {Wsa.SOL_SOCKET, Wsa.SO_KEEPALIVE}, {Wsa.SOL_SOCKET, Wsa.SO_LINGER},
            {Wsa.SOL_SOCKET, Wsa.SO_OOBINLINE}, {Wsa.SOL_SOCKET, Wsa.SO_REUSEADDR},
            {Wsa.SOL_SOCKET, Wsa.SO_EXCLUSIVEADDRUSE}, {Wsa.IPPROTO_TCP, Wsa.TCP_NODELAY},
            {Wsa.IPPROTO_IP, Wsa.IP_TTL}, {Wsa.IPPROTO_IP, Wsa.IP_TOS},
            {Wsa.IPPROTO_IPV6, Wsa.IPV6_V6ONLY},
    };

    private record Value(int level, int name, byte[] bytes, int length) { }

    /** The kept options' values, read from the old socket. */
    record Kept(List<Value> values) { }

    static Kept save(TransportProvider p, long h) {
        List<Value> values = new ArrayList<>();
        for (int[] o : KEPT) {
            byte[] v = new byte[16];
            IntRef len = new IntRef(v.length);
            if (p.getSockOpt(h, o[0], o[1], v, len, new IntRef()) == 0) {
                values.add(new Value(o[0], o[1], v, len.value));
            }
        }
        return new Kept(values);
    }

    /** Sets the kept values on the fresh socket; one the new socket refuses is left at its default. */
    static void restore(TransportProvider p, long h, Kept kept) {
        for (Value v : kept.values()) {
            p.setSockOpt(h, v.level(), v.name(), v.bytes(), v.length(), new IntRef());
        }
    }
}
