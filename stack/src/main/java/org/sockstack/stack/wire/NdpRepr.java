package org.sockstack.stack.wire;

import io.netty.buffer.ByteBuf;

import java.util.List;

import static org.sockstack.stack.wire.Icmpv6Packet.*;

/**
 * The meaning of a Neighbor Discovery message (RFC 4861 section 4), carried in ICMPv6. Layouts
 * are drawn in {@link Icmpv6Packet}; options are {@link NdpOption}s.
 *
 * <p>{@link #parse} applies the validity checks of RFC 4861 sections 6.1 and 7.1 that need only
 * the message and its addresses; the caller checks the IPv6 Hop Limit is 255.
 */
public sealed interface NdpRepr extends Icmpv6Repr {

    List<NdpOption> options();

    default int code() {
        return 0;
    }

    /** The Source Link-Layer Address option, or null. */
    default MacAddress sourceLinkLayerAddress() {
        for (NdpOption o : options()) {
            if (o instanceof NdpOption.SourceLinkLayerAddress s) {
                return s.address();
            }
        }
        return null;
    }

    /** The Target Link-Layer Address option, or null. */
    default MacAddress targetLinkLayerAddress() {
        for (NdpOption o : options()) {
            if (o instanceof NdpOption.TargetLinkLayerAddress t) {
                return t.address();
            }
        }
        return null;
    }

    /** Router Solicitation (RFC 4861 section 4.1). */
    record RouterSolicitation(List<NdpOption> options) implements NdpRepr {
        public int msgType() {
            return TYPE_ROUTER_SOLICITATION;
        }

        public int bufferLength() {
            return 8 + NdpOption.bufferLength(options);
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, 0);
            NdpOption.emitAll(options, buf, offset + 8);
        }
    }

    /**
     * Router Advertisement (RFC 4861 section 4.2). Times: router lifetime in seconds, reachable
     * time and retrans timer in milliseconds; 0 means "unspecified by this router".
     */
    record RouterAdvertisement(int curHopLimit, boolean managed, boolean other, int routerLifetime,
                               long reachableTime, long retransTimer, List<NdpOption> options) implements NdpRepr {
        public int msgType() {
            return TYPE_ROUTER_ADVERTISEMENT;
        }

        public int bufferLength() {
            return 16 + NdpOption.bufferLength(options);
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            int flags = (managed ? 0x80 : 0) | (other ? 0x40 : 0);
            Icmpv6Repr.header(buf, offset, msgType(), 0, (curHopLimit << 24) | (flags << 16) | (routerLifetime & 0xFFFF));
            buf.setInt(offset + 8, (int) reachableTime);
            buf.setInt(offset + 12, (int) retransTimer);
            NdpOption.emitAll(options, buf, offset + 16);
        }
    }

    /** Neighbor Solicitation (RFC 4861 section 4.3); from :: it is Duplicate Address Detection (RFC 4862). */
    record NeighborSolicitation(Ipv6Address target, List<NdpOption> options) implements NdpRepr {
        public int msgType() {
            return TYPE_NEIGHBOR_SOLICITATION;
        }

        public int bufferLength() {
            return 24 + NdpOption.bufferLength(options);
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, 0);
            target.write(buf, offset + 8);
            NdpOption.emitAll(options, buf, offset + 24);
        }
    }

    /** Neighbor Advertisement (RFC 4861 section 4.4) with the Router, Solicited and Override flags. */
    record NeighborAdvertisement(boolean router, boolean solicited, boolean override, Ipv6Address target,
                                 List<NdpOption> options) implements NdpRepr {
        public int msgType() {
            return TYPE_NEIGHBOR_ADVERTISEMENT;
        }

        public int bufferLength() {
            return 24 + NdpOption.bufferLength(options);
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            int flags = (router ? 0x80 : 0) | (solicited ? 0x40 : 0) | (override ? 0x20 : 0);
            Icmpv6Repr.header(buf, offset, msgType(), 0, flags << 24);
            target.write(buf, offset + 8);
            NdpOption.emitAll(options, buf, offset + 24);
        }
    }

    /**
     * Redirect (RFC 4861 section 4.5): packets for {@code destination} should go to {@code target},
     * a better first hop (or the destination itself when target == destination).
     */
    record Redirect(Ipv6Address target, Ipv6Address destination, List<NdpOption> options) implements NdpRepr {
        public int msgType() {
            return TYPE_REDIRECT;
        }

        public int bufferLength() {
            return 40 + NdpOption.bufferLength(options);
        }

        public void emitWithoutChecksum(ByteBuf buf, int offset) {
            Icmpv6Repr.header(buf, offset, msgType(), 0, 0);
            target.write(buf, offset + 8);
            destination.write(buf, offset + 24);
            NdpOption.emitAll(options, buf, offset + 40);
        }
    }

    /** Checks lengths, options, the checksum and the RFC 4861 validity rules. */
    static Parsed<NdpRepr> parse(Icmpv6Packet p, Ipv6Address src, Ipv6Address dst) {
        WireError e = p.check();
        if (!e.ok()) {
            return Parsed.fail(e);
        }
        int type = p.msgType();
        if (type < TYPE_ROUTER_SOLICITATION || type > TYPE_REDIRECT) {
            return Parsed.fail(WireError.UNSUPPORTED);
        }
        if (!p.verifyChecksum(src, dst)) {
            return Parsed.fail(WireError.BAD_CHECKSUM);
        }
        return parseChecked(p, src, dst);
    }

    /** {@link #parse} after the view check and the checksum. */
    static Parsed<NdpRepr> parseChecked(Icmpv6Packet p, Ipv6Address src, Ipv6Address dst) {
        // RFC 4861 sections 6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1: "ICMP Code is 0."
        if (p.code() != 0) {
            return Parsed.fail(WireError.BAD_FIELD);
        }
        Parsed<List<NdpOption>> parsedOptions = NdpOption.parseAll(p);
        if (!parsedOptions.ok()) {
            return Parsed.fail(parsedOptions.error());
        }
        List<NdpOption> options = parsedOptions.value();
        NdpRepr repr = switch (p.msgType()) {
            case TYPE_ROUTER_SOLICITATION -> new RouterSolicitation(options);
            case TYPE_ROUTER_ADVERTISEMENT -> new RouterAdvertisement(p.curHopLimit(), p.managedFlag(),
                    p.otherFlag(), p.routerLifetime(), p.reachableTime(), p.retransTimer(), options);
            case TYPE_NEIGHBOR_SOLICITATION -> new NeighborSolicitation(target(p), options);
            case TYPE_NEIGHBOR_ADVERTISEMENT -> new NeighborAdvertisement(p.routerFlag(), p.solicitedFlag(),
                    p.overrideFlag(), target(p), options);
            default -> new Redirect(target(p), new Ipv6Address(p.destinationAddrHi(), p.destinationAddrLo()), options);
        };
        WireError e = validate(repr, src, dst);
        return e.ok() ? Parsed.ok(repr) : Parsed.fail(e);
    }

    private static Ipv6Address target(Icmpv6Packet p) {
        return new Ipv6Address(p.targetAddrHi(), p.targetAddrLo());
    }

    private static WireError validate(NdpRepr repr, Ipv6Address src, Ipv6Address dst) {
        boolean fromUnspecified = src.isUnspecified();
        return switch (repr) {
            // RFC 4861 section 6.1.1: from the unspecified address, no source link-layer address option.
            case RouterSolicitation rs -> fromUnspecified && rs.sourceLinkLayerAddress() != null
                    ? WireError.BAD_OPTION : WireError.OK;
            // RFC 4861 section 6.1.2: "IP Source Address is a link-local address."
            case RouterAdvertisement ra -> src.isLinkLocal() ? WireError.OK : WireError.BAD_FIELD;
            // RFC 4861 section 7.1.1: the target is not multicast; a solicitation from :: goes to a
            // solicited-node address and has no source link-layer address option.
            case NeighborSolicitation ns -> {
                if (ns.target().isMulticast()) {
                    yield WireError.BAD_FIELD;
                }
                if (fromUnspecified && !isSolicitedNode(dst)) {
                    yield WireError.BAD_FIELD;
                }
                yield fromUnspecified && ns.sourceLinkLayerAddress() != null ? WireError.BAD_OPTION : WireError.OK;
            }
            // RFC 4861 section 7.1.2: the target is not multicast; to a multicast destination the
            // Solicited flag is zero.
            case NeighborAdvertisement na -> na.target().isMulticast() || (dst.isMulticast() && na.solicited())
                    ? WireError.BAD_FIELD : WireError.OK;
            // RFC 4861 section 8.1: from a link-local source, about a unicast destination, and the
            // target is link-local (a router) or the destination itself (on-link).
            case Redirect r -> !src.isLinkLocal() || r.destination().isMulticast()
                    || !(r.target().isLinkLocal() || r.target().equals(r.destination()))
                    ? WireError.BAD_FIELD : WireError.OK;
        };
    }

    /** ff02::1:ffXX:XXXX (RFC 4291 section 2.7.1). */
    private static boolean isSolicitedNode(Ipv6Address a) {
        return a.hi() == 0xFF02_0000_0000_0000L && (a.lo() & 0xFFFF_FFFF_FF00_0000L) == 0x0000_0001_FF00_0000L;
    }
}
