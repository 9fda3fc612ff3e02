package org.sockstack.stack.mld;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.icmpv6.Icmpv6MessageHandler;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv6.Ipv6;
import org.sockstack.stack.ipv6.Ipv6Link;
import org.sockstack.stack.ipv6.Ipv6ProtocolHandler.Cast;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.mcast.CompatibilityMode;
import org.sockstack.stack.mcast.GroupMembership;
import org.sockstack.stack.mcast.MembershipConfig;
import org.sockstack.stack.mcast.MembershipRecord;
import org.sockstack.stack.mcast.MembershipReporter;
import org.sockstack.stack.mcast.ReportPacker;
import org.sockstack.stack.mcast.SocketFilterListener;
import org.sockstack.stack.mcast.SourceFilter;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.Icmpv6Packet;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv6Address;
import org.sockstack.stack.wire.Ipv6OptionIterator;
import org.sockstack.stack.wire.Ipv6OptionsHeader;
import org.sockstack.stack.wire.Ipv6Packet;
import org.sockstack.stack.wire.Ipv6Repr;
import org.sockstack.stack.wire.MacAddress;
import org.sockstack.stack.wire.MldRepr;
import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.WireError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Multicast Listener Discovery for a host: MLDv2 (RFC 3810) with MLDv1 (RFC 2710)
 * compatibility. It is IGMP's sibling (DESIGN rule 8): the protocol-independent machine
 * ({@link GroupMembership}, one per interface) keeps the state; this class validates and decodes
 * queries, and encodes and sends reports. Message layouts are drawn in {@link Icmpv6Packet}.
 *
 * <p>Every MLD message is sent with hop limit 1, a link-local source (the unspecified address
 * while no link-local address is valid yet, RFC 3810 5.2.13 and RFC 3590) and a Hop-by-Hop
 * Options header carrying the Router Alert option with value 0, "MLD" (RFC 2711, RFC 3810
 * section 5). MLDv2 reports go to ff02::16, MLDv1 reports to the address, MLDv1 Done to ff02::2.
 * The all-nodes address ff02::1 and addresses of scope 0 and 1 are never reported (RFC 3810
 * section 6). Solicited-node addresses are joined by Neighbor Discovery through
 * {@link Ipv6#joinGroup} and so are reported like any other (RFC 4861 7.2.1).
 *
 * <p>Host Compatibility Mode (RFC 3810 8.2): MLDv1 = {@link CompatibilityMode#ANY_SOURCE},
 * MLDv2 = {@link CompatibilityMode#SOURCE_FILTERING}.
 *
 * <p>Bad input is dropped and counted under {@code mld.drop.<reason>}.
 */
public final class Mld implements Icmpv6MessageHandler, Ipv6.GroupListener, SocketFilterListener<Ipv6Address> {
    /** Octets of the Hop-by-Hop Options header we send: Router Alert (4) and a PadN (2). */
    static final int HOP_BY_HOP_LENGTH = 8;
    /** RFC 2711 section 2.1: Router Alert value 0, "Datagram contains a Multicast Listener Discovery message". */
    static final int ROUTER_ALERT_MLD = 0;
    private static final String LAYER = "mld";

    private final Ipv6 ipv6;
    private final TimerWheel timers;
    private final RandomGenerator random;
    private final MembershipConfig config;
    private final EventTrace trace;
    private final Map<Integer, GroupMembership<Ipv6Address>> byInterface = new HashMap<>();
    private final Ipv6OptionsHeader optionsView = new Ipv6OptionsHeader();
    private final Ipv6OptionIterator options = new Ipv6OptionIterator();

    private final Counter rxMessages;
    private final Counter rxQueries;
    private final Counter rxReports;
    private final Counter rxIgnored;
    private final Counter txV2Reports;
    private final Counter txV1Reports;
    private final Counter txDones;
    private final Counter txFailed;
    private final Counter[] dropMalformed;
    private final Counter dropBadSource;
    private final Counter dropBadHopLimit;
    private final Counter dropNoRouterAlert;
    private final Counter dropBadGroup;
    private final Counter dropGeneralQueryWithSources;
    private final Counter dropUnknownGroup;

    public Mld(Ipv6 ipv6, TimerWheel timers, RandomGenerator random, Counters counters, EventTrace trace) {
        this(ipv6, timers, random, MembershipConfig.DEFAULT, counters, trace);
    }

    public Mld(Ipv6 ipv6, TimerWheel timers, RandomGenerator random, MembershipConfig config, Counters counters,
               EventTrace trace) {
        this.ipv6 = ipv6;
        this.timers = timers;
        this.random = random;
        this.config = config;
        this.trace = trace;
        rxMessages = counters.counter("mld.rx.messages");
        rxQueries = counters.counter("mld.rx.queries");
        rxReports = counters.counter("mld.rx.reports");
        rxIgnored = counters.counter("mld.rx.ignored");
        txV2Reports = counters.counter("mld.tx.v2_reports");
        txV1Reports = counters.counter("mld.tx.v1_reports");
        txDones = counters.counter("mld.tx.dones");
        txFailed = counters.counter("mld.tx.failed");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBadSource = counters.drop(LAYER, "bad_source");
        dropBadHopLimit = counters.drop(LAYER, "bad_hop_limit");
        dropNoRouterAlert = counters.drop(LAYER, "no_router_alert");
        dropBadGroup = counters.drop(LAYER, "bad_group");
        dropGeneralQueryWithSources = counters.drop(LAYER, "general_query_with_sources");
        dropUnknownGroup = counters.drop(LAYER, "unknown_group");
    }

    /** The membership machine of {@code iface} (created on first use). */
    public GroupMembership<Ipv6Address> membership(NetworkInterface iface) {
        return byInterface.computeIfAbsent(iface.index(), i -> new GroupMembership<>("mld." + iface.name(), timers,
                random, config, new Reporter(iface)));
    }

    /** The Host Compatibility Mode of {@code iface}. */
    public CompatibilityMode mode(NetworkInterface iface) {
        return membership(iface).mode();
    }

    /** The interface state of {@code group} on {@code iface} (INCLUDE {} when not a listener). */
    public SourceFilter<Ipv6Address> state(NetworkInterface iface, Ipv6Address group) {
        return membership(iface).state(group);
    }

    // ------------------------------------------------------------------ membership changes

    @Override
    public void joined(NetworkInterface iface, Ipv6Address group) {
        membership(iface).setIpJoined(group, true);
    }

    @Override
    public void left(NetworkInterface iface, Ipv6Address group) {
        membership(iface).setIpJoined(group, false);
    }

    @Override
    public void socketFilterChanged(Object socket, NetworkInterface iface, Ipv6Address group,
                                    SourceFilter<Ipv6Address> filter) {
        membership(iface).setMemberFilter(socket, group, filter);
    }

    // ------------------------------------------------------------------ input

    /** An MLD message, its ICMPv6 checksum already verified by ICMPv6. */
    @Override
    public void receive(NetworkInterface iface, Ipv6Packet ip, Icmpv6Packet message, Cast cast, long now) {
        rxMessages.increment();
        WireError e = message.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        Parsed<MldRepr> parsed = MldRepr.parseChecked(message);
        if (!parsed.ok()) {
            drop(dropMalformed[parsed.error().ordinal()], parsed.error().reason(), now);
            return;
        }
        switch (parsed.value()) {
            case MldRepr.Query q -> {
                if (validQuery(ip, now)) {
                    query(iface, q.multicastAddress(), List.of(),
                            TimeUnit.MILLISECONDS.toNanos(q.maximumResponseDelay()), false, now);
                }
            }
            case MldRepr.V2Query q -> {
                if (validQuery(ip, now)) {
                    query(iface, q.multicastAddress(), q.sources(),
                            TimeUnit.MILLISECONDS.toNanos(q.maximumResponseDelay()), true, now);
                    // RFC 3810 5.1.8 / 5.1.9: adopt the querier's QRV and QQI (0 means default).
                    membership(iface).querierParameters(q.qrv(), TimeUnit.SECONDS.toNanos(q.queryInterval()));
                }
            }
            case MldRepr.Report r -> report(iface, r.multicastAddress(), now);
            // Hosts ignore Done and MLDv2 reports (RFC 2710 section 4, RFC 3810 section 6).
            default -> rxIgnored.increment();
        }
    }

    /**
     * RFC 3810 5.1.14 and section 6.2 (RFC 2710 section 5 for MLDv1): a query from a source that
     * is not link-local, with a hop limit other than 1, or without the Router Alert option is
     * discarded.
     */
    private boolean validQuery(Ipv6Packet ip, long now) {
        rxQueries.increment();
        if ((ip.srcAddrHi() & 0xFFC0_0000_0000_0000L) != 0xFE80_0000_0000_0000L) {
            drop(dropBadSource, "bad_source", now);
            return false;
        }
        if (ip.hopLimit() != 1) {
            drop(dropBadHopLimit, "bad_hop_limit", now);
            return false;
        }
        if (!hasRouterAlert(ip)) {
            drop(dropNoRouterAlert, "no_router_alert", now);
            return false;
        }
        return true;
    }

    /** The Hop-by-Hop Options header, which IPv6 already checked, carries Router Alert "MLD". */
    private boolean hasRouterAlert(Ipv6Packet ip) {
        if (ip.nextHeader() != IpProtocol.HOP_BY_HOP) {
            return false;
        }
        Ipv6OptionsHeader h = optionsView.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (!h.check().ok() || !h.checkOptions().ok()) {
            return false;
        }
        Ipv6OptionIterator it = h.options(options);
        while (it.next()) {
            if (it.type() == Ipv6OptionIterator.ROUTER_ALERT && it.dataLength() == 2
                    && ip.buffer().getUnsignedShort(it.dataOffset()) == ROUTER_ALERT_MLD) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Multicast Listener Query (RFC 3810 6.1 and 7.1; RFC 2710 section 4). The Multicast Address
     * is :: (General Query) or a multicast address; a General Query lists no sources (5.1.10).
     * An MLDv1 query starts the Older Version Querier Present timer (8.2.1).
     */
    private void query(NetworkInterface iface, Ipv6Address group, List<Ipv6Address> sources, long maxResp,
                       boolean v2, long now) {
        boolean general = group.isUnspecified();
        if (!general && !group.isMulticast()) {
            drop(dropBadGroup, "bad_group", now);
            return;
        }
        if (general && !sources.isEmpty()) {
            drop(dropGeneralQueryWithSources, "general_query_with_sources", now);
            return;
        }
        GroupMembership<Ipv6Address> m = membership(iface);
        if (!v2) {
            m.olderQuerierPresent(CompatibilityMode.ANY_SOURCE, maxResp, now);
        }
        if (general) {
            m.generalQuery(maxResp, now);
        } else if (!m.groupQuery(group, sources, maxResp, now)) {
            drop(dropUnknownGroup, "unknown_group", now);
        }
    }

    /** Another node's MLDv1 Report: suppresses ours in MLDv1 mode (RFC 2710 section 4). */
    private void report(NetworkInterface iface, Ipv6Address group, long now) {
        rxReports.increment();
        if (!group.isMulticast()) {
            drop(dropBadGroup, "bad_group", now);
            return;
        }
        membership(iface).reportHeard(group);
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }

    /** RFC 3810 section 6: never ff02::1, never scope 0 (reserved) or 1 (interface-local). */
    static boolean reportable(Ipv6Address group) {
        return !group.equals(Ipv6Address.ALL_NODES) && group.multicastScope() > 1;
    }

    // ------------------------------------------------------------------ output

    /** Encodes the machine's output for one interface. */
    private final class Reporter implements MembershipReporter<Ipv6Address> {
        private final NetworkInterface iface;

        Reporter(NetworkInterface iface) {
            this.iface = iface;
        }

        @Override
        public boolean reportable(Ipv6Address group) {
            return Mld.reportable(group);
        }

        /** RFC 3810 5.2: Version 2 Multicast Listener Reports to ff02::16, as many as the MTU needs. */
        @Override
        public void sendReport(List<MembershipRecord<Ipv6Address>> records, long now) {
            Ipv6Link link = ipv6.link(iface);
            if (link == null) {
                txFailed.increment();
                return;
            }
            int space = link.linkMtu() - Ipv6Packet.HEADER_LENGTH - HOP_BY_HOP_LENGTH - Icmpv6Packet.HEADER_LENGTH;
            for (List<MembershipRecord<Ipv6Address>> message : ReportPacker.pack(records, space,
                    Icmpv6Packet.MLDV2_RECORD_HEADER_LENGTH, 16)) {
                List<MldRepr.MulticastAddressRecord> out = new ArrayList<>(message.size());
                for (MembershipRecord<Ipv6Address> r : message) {
                    out.add(new MldRepr.MulticastAddressRecord(r.type().code(), r.group(), r.sources()));
                }
                if (send(Ipv6Address.ALL_MLDV2_ROUTERS, new MldRepr.V2Report(out))) {
                    txV2Reports.increment();
                }
            }
        }

        /** RFC 2710 section 4: an MLDv1 Report is sent to the address being reported. */
        @Override
        public void sendLegacyReport(CompatibilityMode mode, Ipv6Address group, long now) {
            if (send(group, new MldRepr.Report(group))) {
                txV1Reports.increment();
            }
        }

        /** RFC 2710 section 4: Done goes to the link-scope all-routers address ff02::2. */
        @Override
        public void sendLeave(Ipv6Address group, long now) {
            if (send(Ipv6Address.ALL_ROUTERS, new MldRepr.Done(group))) {
                txDones.increment();
            }
        }

        /**
         * IPv6 header (hop limit 1), Hop-by-Hop Options with Router Alert, the message; straight
         * to the multicast MAC address (RFC 2464 section 7), no neighbour resolution.
         */
        private boolean send(Ipv6Address dst, MldRepr message) {
            if (ipv6.link(iface) == null) {
                txFailed.increment();
                return false;
            }
            Ipv6Address src = linkLocalSource(iface);
            int length = HOP_BY_HOP_LENGTH + message.bufferLength();
            ByteBuf frame = ipv6.allocate(iface, length);
            int at = Ipv6.PAYLOAD_OFFSET;
            frame.setByte(at, IpProtocol.ICMPV6);                    // Next Header
            frame.setByte(at + 1, 0);                                // Hdr Ext Len: 8 octets
            frame.setByte(at + 2, Ipv6OptionIterator.ROUTER_ALERT);  // RFC 2711: type 5, length 2
            frame.setByte(at + 3, 2);
            frame.setShort(at + 4, ROUTER_ALERT_MLD);
            frame.setByte(at + 6, Ipv6OptionIterator.PADN);          // PadN with no data
            frame.setByte(at + 7, 0);
            message.emit(frame, at + HOP_BY_HOP_LENGTH, src, dst);
            new Ipv6Repr(src, dst, IpProtocol.HOP_BY_HOP, length, 1).emit(frame, EthernetFrame.HEADER_LENGTH);
            iface.transmit(frame, MacAddress.ofIpv6Multicast(dst).bits());
            return true;
        }
    }

    /** A valid link-local address of {@code iface}, or :: if none is (yet) (RFC 3810 5.2.13). */
    static Ipv6Address linkLocalSource(NetworkInterface iface) {
        for (Ipv6InterfaceAddress a : iface.ipv6Addresses()) {
            if (a.address().isLinkLocal() && !a.tentative()) {
                return a.address();
            }
        }
        return Ipv6Address.UNSPECIFIED;
    }
}
