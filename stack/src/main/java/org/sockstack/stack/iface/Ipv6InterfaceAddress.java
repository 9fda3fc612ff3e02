package org.sockstack.stack.iface;

import org.sockstack.stack.wire.Ipv6Address;

/**
 * An IPv6 unicast address assigned to an interface (RFC 4862 section 2 terms): its prefix length,
 * where it came from, its state and its lifetimes.
 *
 * <pre>
 *   TENTATIVE --DAD ok--> PREFERRED --preferred lifetime--> DEPRECATED --valid lifetime--> (removed)
 *       └──DAD saw another user──> DUPLICATE (never used)
 * </pre>
 *
 * Lifetimes are absolute times on the stack's clock; {@link #INFINITE} means "never".
 */
public final class Ipv6InterfaceAddress {
    /** A lifetime that never ends (the wire value 0xffffffff, RFC 4861 section 4.6.2). */
    public static final long INFINITE = Long.MAX_VALUE;

    /** RFC 4862 section 2 address states. */
    public enum State {
        /** Duplicate Address Detection runs: not used as a source, only NS/NA for it are handled. */
        TENTATIVE,
        /** Valid and preferred: any use. */
        PREFERRED,
        /** Valid but its preferred lifetime ended: existing communication only (RFC 6724 rule 3 avoids it). */
        DEPRECATED,
        /** DAD found another node with it (RFC 4862 5.4.5): disabled. */
        DUPLICATE
    }

    /** How the address was configured. */
    public enum Origin { STATIC, LINK_LOCAL, AUTOCONF }

    private final Ipv6Address address;
    private final int prefixLength;
    private final Origin origin;
    private State state = State.TENTATIVE;
    private long preferredUntil = INFINITE;
    private long validUntil = INFINITE;
    /** RFC 7217 DAD_Counter the interface identifier was made with. */
    private int dadCounter;

    public Ipv6InterfaceAddress(Ipv6Address address, int prefixLength, Origin origin) {
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length must be 0-128: " + prefixLength);
        }
        if (address.isMulticast() || address.isUnspecified()) {
            throw new IllegalArgumentException("not a unicast address: " + address);
        }
        this.address = address;
        this.prefixLength = prefixLength;
        this.origin = origin;
    }

    public Ipv6Address address() {
        return address;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public Origin origin() {
        return origin;
    }

    public State state() {
        return state;
    }

    public void setState(State state) {
        this.state = state;
    }

    /** PREFERRED or DEPRECATED: may be a source and is answered for. */
    public boolean usable() {
        return state == State.PREFERRED || state == State.DEPRECATED;
    }

    public boolean tentative() {
        return state == State.TENTATIVE;
    }

    public boolean onLink(Ipv6Address dst) {
        return dst.inPrefix(address, prefixLength);
    }

    public long preferredUntil() {
        return preferredUntil;
    }

    public long validUntil() {
        return validUntil;
    }

    public void setLifetimes(long preferredUntil, long validUntil) {
        this.preferredUntil = preferredUntil;
        this.validUntil = validUntil;
    }

    public int dadCounter() {
        return dadCounter;
    }

    public void setDadCounter(int dadCounter) {
        this.dadCounter = dadCounter;
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength + (state == State.PREFERRED ? "" : " " + state.name().toLowerCase())
                + (origin == Origin.STATIC ? "" : " " + origin.name().toLowerCase());
    }
}
