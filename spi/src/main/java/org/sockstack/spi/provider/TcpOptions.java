package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

/**
 * A stream socket's keep-alive and retransmission options, the part both base providers share:
 * SO_KEEPALIVE, TCP_KEEPIDLE (= TCP_KEEPALIVE, seconds), TCP_KEEPINTVL (seconds), TCP_KEEPCNT,
 * SIO_KEEPALIVE_VALS ({@code tcp_keepalive {onoff, keepalivetime ms, keepaliveinterval ms}})
 * and TCP_MAXRT (seconds). The values are kept here with Windows' defaults (idle 2 hours,
 * interval 1 second, 10 probes; RFC 1122 4.2.3.6 leaves them to the system), so getsockopt gives
 * the same answers over both backends, and are pushed to the backend whenever keep-alive is on.
 *
 * <p>Backend convention ({@link NetSocket#setOption}): at level IPPROTO_TCP, TCP_KEEPIDLE and
 * TCP_KEEPINTVL carry milliseconds, TCP_KEEPCNT a count, TCP_MAXRT milliseconds (-1: never give
 * up on time, 0: the backend's default).
 */
final class TcpOptions {
    static final int DEFAULT_IDLE_MS = 7_200_000;
    static final int DEFAULT_INTERVAL_MS = 1000;
    static final int DEFAULT_COUNT = 10;
    /** TCP_MAXRT's "the system's default" (Windows: -2? unverified; -1 disables the limit). */
    static final int MAXRT_DEFAULT = 0;

    private boolean keepAlive;
    private int idleMs = DEFAULT_IDLE_MS;
    private int intervalMs = DEFAULT_INTERVAL_MS;
    private int count = DEFAULT_COUNT;
    private int maxRt = MAXRT_DEFAULT;

    static boolean handles(int level, int name) {
        return level == Wsa.SOL_SOCKET && name == Wsa.SO_KEEPALIVE
                || level == Wsa.IPPROTO_TCP && (name == Wsa.TCP_KEEPIDLE || name == Wsa.TCP_KEEPINTVL
                || name == Wsa.TCP_KEEPCNT || name == Wsa.TCP_MAXRT);
    }

    /** setsockopt: 0 or a WSA code. Datagram sockets: WSAENOPROTOOPT. */
    synchronized int set(NetSocket net, int level, int name, int v) {
        if (!(net instanceof NetStreamSocket)) {
            return WsaError.WSAENOPROTOOPT;
        }
        if (name == Wsa.TCP_MAXRT && level == Wsa.IPPROTO_TCP) {
            if (v < -1) {
                return WsaError.WSAEINVAL;
            }
            int e = net.setOption(Wsa.IPPROTO_TCP, Wsa.TCP_MAXRT, v <= 0 ? v : (int) Math.min(Integer.MAX_VALUE,
                    v * 1000L));
            if (e == 0) {
                maxRt = v;
            }
            return e;
        }
        boolean on = keepAlive;
        int idle = idleMs;
        int interval = intervalMs;
        int n = count;
        if (level == Wsa.SOL_SOCKET) {
            on = v != 0;
        } else if (name == Wsa.TCP_KEEPIDLE || name == Wsa.TCP_KEEPINTVL) {
            // Seconds, at least one (a zero interval would flood the peer).
            if (v < 1 || v > Integer.MAX_VALUE / 1000) {
                return WsaError.WSAEINVAL;
            }
            if (name == Wsa.TCP_KEEPIDLE) {
                idle = v * 1000;
            } else {
                interval = v * 1000;
            }
        } else {
            // TCP_KEEPCNT: Windows takes 0..255 probes.
            if (v < 1 || v > 255) {
                return WsaError.WSAEINVAL;
            }
            n = v;
        }
        return apply(net, on, idle, interval, n);
    }

    /** SIO_KEEPALIVE_VALS: onoff, then the idle time and the interval in milliseconds. */
    synchronized int keepAliveVals(NetSocket net, byte[] in) {
        if (!(net instanceof NetStreamSocket)) {
            return WsaError.WSAEOPNOTSUPP;
        }
        if (in == null || in.length < 12) {
            return WsaError.WSAEFAULT;
        }
        boolean on = le32(in, 0) != 0;
        int idle = le32(in, 4);
        int interval = le32(in, 8);
        if (on && (idle <= 0 || interval <= 0)) {
            return WsaError.WSAEINVAL;
        }
        return apply(net, on, on ? idle : idleMs, on ? interval : intervalMs, count);
    }

    private int apply(NetSocket net, boolean on, int idle, int interval, int n) {
        if (on) {
            int e = net.setOption(Wsa.IPPROTO_TCP, Wsa.TCP_KEEPIDLE, idle);
            if (e == 0) {
                e = net.setOption(Wsa.IPPROTO_TCP, Wsa.TCP_KEEPINTVL, interval);
            }
            if (e == 0) {
                e = net.setOption(Wsa.IPPROTO_TCP, Wsa.TCP_KEEPCNT, n);
            }
            if (e != 0) {
                return e;
            }
        }
        if (on != keepAlive || on) {
            int e = net.setOption(Wsa.SOL_SOCKET, Wsa.SO_KEEPALIVE, on ? 1 : 0);
            if (e != 0) {
                return e;
            }
        }
        keepAlive = on;
        idleMs = idle;
        intervalMs = interval;
        count = n;
        return 0;
    }

    /**
     * An accepted socket takes the listener's settings (Windows: options set on the listening
     * socket carry over); keep-alive is pushed to the new connection's backend socket.
     */
    void inherit(NetSocket child, TcpOptions listener) {
        boolean on;
        int idle;
        int interval;
        int n;
        int rt;
        synchronized (listener) {
            on = listener.keepAlive;
            idle = listener.idleMs;
            interval = listener.intervalMs;
            n = listener.count;
            rt = listener.maxRt;
        }
        synchronized (this) {
            idleMs = idle;
            intervalMs = interval;
            count = n;
            if (on) {
                apply(child, true, idle, interval, n);
            }
            if (rt != MAXRT_DEFAULT && child.setOption(Wsa.IPPROTO_TCP, Wsa.TCP_MAXRT,
                    rt < 0 ? rt : (int) Math.min(Integer.MAX_VALUE, rt * 1000L)) == 0) {
                maxRt = rt;
            }
        }
    }

    /** getsockopt: 0 with {@code out} set, or a WSA code. */
    synchronized int get(NetSocket net, int level, int name, IntRef out) {
        if (!(net instanceof NetStreamSocket)) {
            return WsaError.WSAENOPROTOOPT;
        }
        if (level == Wsa.SOL_SOCKET) {
            out.value = keepAlive ? 1 : 0;
        } else if (name == Wsa.TCP_KEEPIDLE) {
            out.value = (idleMs + 999) / 1000;
        } else if (name == Wsa.TCP_KEEPINTVL) {
            out.value = (intervalMs + 999) / 1000;
        } else if (name == Wsa.TCP_KEEPCNT) {
            out.value = count;
        } else {
            out.value = maxRt;
        }
        return 0;
    }

    private static int le32(byte[] v, int off) {
        return (v[off] & 0xFF) | (v[off + 1] & 0xFF) << 8 | (v[off + 2] & 0xFF) << 16 | (v[off + 3] & 0xFF) << 24;
    }
}
