package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;

/**
 * The 4-tuple that names a connection (RFC 9293 section 3.3.1 "socket pair"), held as primitives
 * (an IPv4 address in the low word, an IPv6 address in both) so the receive path can look a
 * connection up without allocating: each network keeps one probe key and refills it per segment
 * ({@link #setIpv4}, {@link #setIpv6}). Keys stored in the connection table are never changed.
 */
final class ConnKey {
    private int version;
    private long localHi;
    private long localLo;
    private int localPort;
    private long remoteHi;
    private long remoteLo;
    private int remotePort;

    /** An empty probe key, to be filled with {@link #setIpv4} or {@link #setIpv6}. */
    ConnKey() {
    }

    ConnKey(IpAddress localAddress, int localPort, IpAddress remoteAddress, int remotePort) {
        if (localAddress.version() != remoteAddress.version()) {
            throw new IllegalArgumentException(localAddress + " / " + remoteAddress);
        }
        this.version = localAddress.version();
        this.localHi = IpAddress.hiBits(localAddress);
        this.localLo = IpAddress.loBits(localAddress);
        this.localPort = localPort;
        this.remoteHi = IpAddress.hiBits(remoteAddress);
        this.remoteLo = IpAddress.loBits(remoteAddress);
        this.remotePort = remotePort;
    }

    ConnKey setIpv4(int localAddress, int localPort, int remoteAddress, int remotePort) {
        this.version = 4;
        this.localHi = 0;
        this.localLo = localAddress & 0xFFFF_FFFFL;
        this.localPort = localPort;
        this.remoteHi = 0;
        this.remoteLo = remoteAddress & 0xFFFF_FFFFL;
        this.remotePort = remotePort;
        return this;
    }

    ConnKey setIpv6(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {
        this.version = 6;
        this.localHi = localHi;
        this.localLo = localLo;
        this.localPort = localPort;
        this.remoteHi = remoteHi;
        this.remoteLo = remoteLo;
        this.remotePort = remotePort;
        return this;
    }

    /** The local address (allocates: for the paths without a connection). */
    IpAddress localAddress() {
        return IpAddress.fromBits(version, localHi, localLo);
    }

    int localPort() {
        return localPort;
    }

    /** The remote address (allocates: for the paths without a connection). */
    IpAddress remoteAddress() {
        return IpAddress.fromBits(version, remoteHi, remoteLo);
    }

    int remotePort() {
        return remotePort;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnKey k && localPort == k.localPort && remotePort == k.remotePort
                && localLo == k.localLo && remoteLo == k.remoteLo && localHi == k.localHi && remoteHi == k.remoteHi
                && version == k.version;
    }

    @Override
    public int hashCode() {
        long h = localLo * 0x9E37_79B9_7F4A_7C15L + remoteLo;
        h = h * 0x9E37_79B9_7F4A_7C15L + (localHi ^ remoteHi);
        h = h * 31 + ((long) localPort << 16 | remotePort);
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public String toString() {
        return localAddress() + ":" + localPort + " <-> " + remoteAddress() + ":" + remotePort;
    }
}
