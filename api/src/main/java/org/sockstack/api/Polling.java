package org.sockstack.api;

import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.sockstack.api.WsaPollFd.POLLERR;
import static org.sockstack.api.WsaPollFd.POLLHUP;
import static org.sockstack.api.WsaPollFd.POLLNVAL;
import static org.sockstack.api.WsaPollFd.POLLRDBAND;
import static org.sockstack.api.WsaPollFd.POLLRDNORM;
import static org.sockstack.api.WsaPollFd.POLLWRNORM;

/**
 * WSAPoll over the providers' WSPSelect (Windows asks the base provider's driver directly; the SPI
 * has no poll entry, and select's three sets carry what poll reports):
 * <ul>
 *   <li>POLLRDNORM: in select's read set (data, a connection to accept, the peer's close);
 *   <li>POLLWRNORM: in the write set;
 *   <li>POLLERR | POLLHUP (and POLLWRNORM if asked): in the except set, i.e. a failed connect
 *       (Windows 10 2004 and later report it so; earlier versions reported nothing);
 *   <li>POLLRDBAND (if asked): in the except set because out-of-band data waits (SIOCATMARK
 *       FALSE), not because a connect failed;
 *   <li>POLLHUP: a connected stream socket that is readable with no byte queued: the peer closed
 *       (gracefully or not);
 *   <li>POLLNVAL: the handle is not a socket.
 * </ul>
 * Only POLLRDNORM, POLLRDBAND and POLLWRNORM may be asked for: anything else (POLLPRI,
 * POLLWRBAND, the report-only bits) fails the call with WSAEINVAL. Entries with a negative fd are
 * skipped (revents 0). A call where no entry names a socket fails with WSAEINVAL.
 *
 * <p>Waiting: when every socket fits one WSPSelect (one provider, at most FD_SETSIZE sockets) the
 * provider waits; otherwise each provider is asked without waiting, every {@link #SLICE_MS} ms.
 */
final class Polling {
    static final int REQUESTABLE = POLLRDNORM | POLLRDBAND | POLLWRNORM;
    static final int READ_BITS = POLLRDNORM | POLLRDBAND;
    static final long SLICE_MS = 10;

    private Polling() {
    }

    /** The count of entries with revents set, or SOCKET_ERROR with the code in {@code error[0]}. */
    static int poll(Ws2Process process, WsaPollFd[] fds, int nfds, int timeout, int[] error) {
        if (process.startupCount() == 0) {
            return fail(error, WsaError.WSANOTINITIALISED);
        }
        if (fds == null) {
            return fail(error, WsaError.WSAEINVAL);
        }
        if (nfds < 0 || nfds > fds.length) {
            return fail(error, WsaError.WSAEFAULT);
        }
        for (int i = 0; i < nfds; i++) {
            if (fds[i] == null) {
                return fail(error, WsaError.WSAEFAULT);
            }
            if (fds[i].fd >= 0 && (fds[i].events & ~REQUESTABLE) != 0) {
                return fail(error, WsaError.WSAEINVAL);
            }
        }
        // Group the sockets by provider; what is not a socket is POLLNVAL.
        Map<TransportProvider, List<WsaPollFd>> groups = new LinkedHashMap<>();
        int invalid = 0;
        for (int i = 0; i < nfds; i++) {
            WsaPollFd f = fds[i];
            f.revents = 0;
            if (f.fd < 0) {
                continue;
            }
            TransportProvider p = process.provider(f.fd, new IntRef());
            if (p == null) {
                f.revents = POLLNVAL;
                invalid++;
            } else {
                groups.computeIfAbsent(p, k -> new ArrayList<>()).add(f);
            }
        }
        if (groups.isEmpty()) {
            return fail(error, WsaError.WSAEINVAL);
        }
        boolean oneSelect = groups.size() == 1 && distinct(groups.values().iterator().next()) <= FdSet.FD_SETSIZE;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeout));
        while (true) {
            int ready = 0;
            for (Map.Entry<TransportProvider, List<WsaPollFd>> g : groups.entrySet()) {
                Duration wait = oneSelect ? (timeout < 0 ? null : Duration.ofMillis(timeout)) : Duration.ZERO;
                int n = pollProvider(g.getKey(), g.getValue(), wait, error);
                if (n < 0) {
                    return Wsa.SOCKET_ERROR;
                }
                ready += n;
            }
            if (ready + invalid > 0 || oneSelect || timeout >= 0 && System.nanoTime() >= deadline) {
                return ready + invalid;
            }
            if (Thread.interrupted()) {
                return fail(error, WsaError.WSAEINTR);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SLICE_MS));
        }
    }

    private static int distinct(List<WsaPollFd> fds) {
        return (int) fds.stream().mapToLong(f -> f.fd).distinct().count();
    }

    /** One provider's entries, FD_SETSIZE sockets at a time: how many got revents, or -1. */
    private static int pollProvider(TransportProvider p, List<WsaPollFd> fds, Duration wait, int[] error) {
        int ready = 0;
        for (int from = 0; from < fds.size(); ) {
            FdSet read = new FdSet();
            FdSet write = new FdSet();
            FdSet except = new FdSet();
            List<WsaPollFd> batch = new ArrayList<>();
            while (from < fds.size() && (except.isSet(fds.get(from).fd) || except.count() < FdSet.FD_SETSIZE)) {
                WsaPollFd f = fds.get(from++);
                batch.add(f);
                except.set(f.fd);
                if ((f.events & READ_BITS) != 0) {
                    read.set(f.fd);
                }
                if ((f.events & POLLWRNORM) != 0) {
                    write.set(f.fd);
                }
            }
            IntRef errno = new IntRef();
            if (p.select(read.count() > 0 ? read : null, write.count() > 0 ? write : null, except, wait, errno)
                    == Wsa.SOCKET_ERROR) {
                return fail(error, errno.value);
            }
            for (WsaPollFd f : batch) {
                f.revents = revents(p, f, read, write, except);
                if (f.revents != 0) {
                    ready++;
                }
            }
        }
        return ready;
    }

    private static short revents(TransportProvider p, WsaPollFd f, FdSet read, FdSet write, FdSet except) {
        int r = 0;
        if (except.isSet(f.fd)) {
            if (urgentWaits(p, f.fd)) {
                r |= f.events & POLLRDBAND;
            } else {
                r |= POLLERR | POLLHUP | (f.events & POLLWRNORM);
            }
        }
        if ((f.events & READ_BITS) != 0 && read.isSet(f.fd)) {
            r |= POLLRDNORM;
            if (peerClosed(p, f.fd)) {
                r |= POLLHUP;
            }
        }
        if ((f.events & POLLWRNORM) != 0 && write.isSet(f.fd)) {
            r |= POLLWRNORM;
        }
        return (short) r;
    }

    /** Out-of-band data waits on {@code s} (SIOCATMARK answers FALSE, Windows' sense). */
    private static boolean urgentWaits(TransportProvider p, long s) {
        byte[] out = new byte[4];
        IntRef errno = new IntRef();
        if (p.ioctl(s, Wsa.SIOCATMARK, null, out, new IntRef(), null, null, null, errno) == Wsa.SOCKET_ERROR) {
            return false;
        }
        return (out[0] | out[1] | out[2] | out[3]) == 0;
    }

    /** A readable connected stream socket with nothing queued: only the end of the stream is left. */
    private static boolean peerClosed(TransportProvider p, long s) {
        IntRef errno = new IntRef();
        if (intOption(p, s, Wsa.SO_TYPE, errno) != Wsa.SOCK_STREAM || intOption(p, s, Wsa.SO_ACCEPTCONN, errno) != 0) {
            return false;
        }
        byte[] out = new byte[4];
        if (p.ioctl(s, Wsa.FIONREAD, null, out, new IntRef(), null, null, null, errno) == Wsa.SOCKET_ERROR) {
            return false;
        }
        return (out[0] | out[1] | out[2] | out[3]) == 0;
    }

    private static int intOption(TransportProvider p, long s, int name, IntRef errno) {
        byte[] v = new byte[4];
        if (p.getSockOpt(s, Wsa.SOL_SOCKET, name, v, new IntRef(4), errno) == Wsa.SOCKET_ERROR) {
            return -1;
        }
        return (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (v[3] & 0xFF) << 24;
    }

    private static int fail(int[] error, int code) {
        error[0] = code;
        return Wsa.SOCKET_ERROR;
    }
}
