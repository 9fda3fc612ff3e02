package org.sockstack.api;

/**
 * WSAPOLLFD: one entry of {@link Winsock#WSAPoll}'s array. {@code fd} is the socket (a negative
 * value makes WSAPoll skip the entry), {@code events} what to look for, {@code revents} what was
 * found. The POLL* values are Windows' (winsock2.h), not POSIX's.
 */
public final class WsaPollFd {
    public static final short POLLRDNORM = 0x0100;
    public static final short POLLRDBAND = 0x0200;
    public static final short POLLIN = POLLRDNORM | POLLRDBAND;
    /** Not offered by Windows' providers: asking for it is WSAEINVAL. */
    public static final short POLLPRI = 0x0400;
    public static final short POLLWRNORM = 0x0010;
    public static final short POLLOUT = POLLWRNORM;
    /** Not offered by Windows' providers: asking for it is WSAEINVAL. */
    public static final short POLLWRBAND = 0x0020;
    /** Reported only (asking for it is WSAEINVAL): an error, e.g. a failed connect. */
    public static final short POLLERR = 0x0001;
    /** Reported only: the connection was closed or aborted, or never made. */
    public static final short POLLHUP = 0x0002;
    /** Reported only: {@code fd} is not a socket. */
    public static final short POLLNVAL = 0x0004;

    public long fd;
    public short events;
    public short revents;

    public WsaPollFd() {
    }

    public WsaPollFd(long fd, int events) {
        this.fd = fd;
        this.events = (short) events;
    }

    @Override
    public String toString() {
        return "WSAPOLLFD[fd=" + fd + " events=0x" + Integer.toHexString(events & 0xFFFF)
                + " revents=0x" + Integer.toHexString(revents & 0xFFFF) + "]";
    }
}
