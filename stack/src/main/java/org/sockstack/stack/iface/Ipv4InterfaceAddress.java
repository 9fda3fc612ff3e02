package org.sockstack.stack.iface;

import org.sockstack.stack.wire.Ipv4Address;

/**
 * An IPv4 address assigned to an interface, with its on-link prefix length.
 */
public final class Ipv4InterfaceAddress {
    /** RFC 5227 address states. */
    public enum State {
        /** Being probed (RFC 5227 2.1): not yet used as a source, not answered for. */
        TENTATIVE,
        /** In use. */
        ASSIGNED,
        /** Another host answered a probe: the address must not be used (RFC 5227 2.1.1). */
        CONFLICT
    }

    private final Ipv4Address address;
    private final int prefixLength;
    private State state;
    // RFC 5227 bookkeeping, written by ARP's address conflict detection.
    private long lastDefended = Long.MIN_VALUE;
    private int probesSent;
    private int announcementsSent;

    public Ipv4InterfaceAddress(Ipv4Address address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32: " + prefixLength);
        }
        this.address = address;
        this.prefixLength = prefixLength;
        this.state = State.ASSIGNED;
    }

    public Ipv4Address address() {
        return address;
    }

    public int bits() {
        return address.bits();
    }

    public int prefixLength() {
        return prefixLength;
    }

    public int netmask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The directed broadcast address of the subnet (RFC 919/922), e.g. 192.0.2.255 for /24. */
    public int broadcast() {
        return prefixLength >= 31 ? -1 : (address.bits() | ~netmask());
    }

    public boolean onLink(int dst) {
        return (dst & netmask()) == (address.bits() & netmask());
    }

    public State state() {
        return state;
    }

    public void setState(State state) {
        this.state = state;
    }

    public long lastDefended() {
        return lastDefended;
    }

    public void setLastDefended(long time) {
        this.lastDefended = time;
    }

    public int probesSent() {
        return probesSent;
    }

    public void countProbe() {
        probesSent++;
    }

    public int announcementsSent() {
        return announcementsSent;
    }

    public void countAnnouncement() {
        announcementsSent++;
    }

    public boolean usable() {
        return state == State.ASSIGNED;
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength + (state == State.ASSIGNED ? "" : " " + state.name().toLowerCase());
    }
}
