package org.sockstack.stack.igmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.iface.NetworkInterface;
import org.sockstack.stack.ipv4.Ipv4;
import org.sockstack.stack.ipv4.Ipv4Path;
import org.sockstack.stack.ipv4.Ipv4ProtocolHandler;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.mcast.CompatibilityMode;
import org.sockstack.stack.mcast.GroupMembership;
import org.sockstack.stack.mcast.MembershipConfig;
import org.sockstack.stack.mcast.MembershipRecord;
import org.sockstack.stack.mcast.MembershipReporter;
import org.sockstack.stack.mcast.ReportPacker;
import org.sockstack.stack.mcast.SocketFilterListener;
import org.sockstack.stack.mcast.SourceFilter;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;
import org.sockstack.stack.stats.EventTrace;
import org.sockstack.stack.wire.ExponentialCode;
import org.sockstack.stack.wire.IgmpPacket;
import org.sockstack.stack.wire.IgmpRepr;
import org.sockstack.stack.wire.IpProtocol;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv4OptionIterator;
import org.sockstack.stack.wire.Ipv4Packet;
import org.sockstack.stack.wire.WireError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * IGMP for a host: IGMPv3 (RFC 3376) with IGMPv2 (RFC 2236) and IGMPv1 (RFC 1112) compatibility.
 * The protocol-independent machine ({@link GroupMembership}, one per interface) keeps the state;
 * this class validates and decodes queries, and encodes and sends reports. Message layouts are
 * drawn in {@link IgmpPacket}.
 *
 * <p>Every IGMP message is sent with TTL 1, the Internetwork Control precedence (TOS 0xc0) and
 * the IP Router Alert option (RFC 3376 section 4, RFC 2113). IGMPv3 reports go to 224.0.0.22,
 * IGMPv1/v2 reports to the group, IGMPv2 Leave Group to 224.0.0.2 (section 4.2.14, RFC 2236
 * section 3). The all-systems group 224.0.0.1 is never reported.
 *
 * <p>Host Compatibility Mode (RFC 3376 7.2.1): IGMPv1 = {@link CompatibilityMode#NO_LEAVE},
 * IGMPv2 = {@link CompatibilityMode#ANY_SOURCE}, IGMPv3 = {@link CompatibilityMode#SOURCE_FILTERING}.
 *
 * <p>Bad input is dropped and counted under {@code igmp.drop.<reason>}.
 */
public final class Igmp implements Ipv4ProtocolHandler, Ipv4.GroupListener, SocketFilterListener<Ipv4Address> {
    /** All Systems, 224.0.0.1: General Queries go there; never reported. */
    public static final int ALL_SYSTEMS = 0xE000_0001;
    /** All Routers, 224.0.0.2: IGMPv2 Leave Group goes there. */
    public static final int ALL_ROUTERS = 0xE000_0002;
    /** All IGMPv3-capable multicast routers, 224.0.0.22 (RFC 3376 section 4.2.14). */
    public static final int IGMPV3_ROUTERS = 0xE000_0016;
    /** RFC 2113: Router Alert, length 4, value 0 ("examine packet"). */
    private static final byte[] ROUTER_ALERT = {(byte) Ipv4OptionIterator.ROUTER_ALERT, 4, 0, 0};
    /** RFC 3376 section 4: IP Precedence of Internetwork Control. */
    static final int TOS_INTERNETWORK_CONTROL = 0xC0;
    /** IPv4 header with the Router Alert option. */
    private static final int IP_HEADER_LENGTH = Ipv4Packet.MIN_HEADER_LENGTH + 4;
    /** RFC 2236 section 4: an IGMPv1 query's Max Response Time is taken as 10 seconds. */
    private static final long V1_MAX_RESP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final String LAYER = "igmp";

    private final Ipv4 ipv4;
    private final TimerWheel timers;
    private final RandomGenerator random;
    private final MembershipConfig config;
    private final EventTrace trace;
    private final Map<Integer, GroupMembership<Ipv4Address>> byInterface = new HashMap<>();
    private final IgmpPacket view = new IgmpPacket();
    private final Ipv4OptionIterator options = new Ipv4OptionIterator();

    private final Counter rxMessages;
    private final Counter rxQueries;
    private final Counter rxReports;
    private final Counter rxIgnored;
    private final Counter txV3Reports;
    private final Counter txV2Reports;
    private final Counter txV1Reports;
    private final Counter txLeaves;
    private final Counter txFailed;
    private final Counter[] dropMalformed;
    private final Counter dropBadChecksum;
    private final Counter dropBadTtl;
    private final Counter dropNoRouterAlert;
    private final Counter dropBadDestination;
    private final Counter dropBadGroup;
    private final Counter dropGeneralQueryWithSources;
    private final Counter dropUnknownGroup;
    private final Counter dropUnknownType;

    public Igmp(Ipv4 ipv4, TimerWheel timers, RandomGenerator random, Counters counters, EventTrace trace) {
        this(ipv4, timers, random, MembershipConfig.DEFAULT, counters, trace);
    }

    public Igmp(Ipv4 ipv4, TimerWheel timers, RandomGenerator random, MembershipConfig config, Counters counters,
                EventTrace trace) {
        this.ipv4 = ipv4;
        this.timers = timers;
        this.random = random;
        this.config = config;
        this.trace = trace;
        rxMessages = counters.counter("igmp.rx.messages");
        rxQueries = counters.counter("igmp.rx.queries");
        rxReports = counters.counter("igmp.rx.reports");
        rxIgnored = counters.counter("igmp.rx.ignored");
        txV3Reports = counters.counter("igmp.tx.v3_reports");
        txV2Reports = counters.counter("igmp.tx.v2_reports");
        txV1Reports = counters.counter("igmp.tx.v1_reports");
        txLeaves = counters.counter("igmp.tx.leaves");
        txFailed = counters.counter("igmp.tx.failed");
        dropMalformed = new Counter[WireError.values().length];
        for (WireError e : WireError.values()) {
            dropMalformed[e.ordinal()] = counters.drop(LAYER, e.reason());
        }
        dropBadChecksum = dropMalformed[WireError.BAD_CHECKSUM.ordinal()];
        dropBadTtl = counters.drop(LAYER, "bad_ttl");
        dropNoRouterAlert = counters.drop(LAYER, "no_router_alert");
        dropBadDestination = counters.drop(LAYER, "bad_destination");
        dropBadGroup = counters.drop(LAYER, "bad_group");
        dropGeneralQueryWithSources = counters.drop(LAYER, "general_query_with_sources");
        dropUnknownGroup = counters.drop(LAYER, "unknown_group");
        dropUnknownType = counters.drop(LAYER, "unknown_type");
    }

    /** The membership machine of {@code iface} (created on first use). */
    public GroupMembership<Ipv4Address> membership(NetworkInterface iface) {
        return byInterface.computeIfAbsent(iface.index(), i -> new GroupMembership<>("igmp." + iface.name(), timers,
                random, config, new Reporter(iface)));
    }

    /** The Host Compatibility Mode of {@code iface}. */
    public CompatibilityMode mode(NetworkInterface iface) {
        return membership(iface).mode();
    }

    /** The interface state of {@code group} on {@code iface} (INCLUDE {} when not a member). */
    public SourceFilter<Ipv4Address> state(NetworkInterface iface, Ipv4Address group) {
        return membership(iface).state(group);
    }

    // ------------------------------------------------------------------ membership changes

    @Override
    public void joined(NetworkInterface iface, int group) {
        membership(iface).setIpJoined(new Ipv4Address(group), true);
    }

    @Override
    public void left(NetworkInterface iface, int group) {
        membership(iface).setIpJoined(new Ipv4Address(group), false);
    }

    @Override
    public void socketFilterChanged(Object socket, NetworkInterface iface, Ipv4Address group,
                                    SourceFilter<Ipv4Address> filter) {
        membership(iface).setMemberFilter(socket, group, filter);
    }

    // ------------------------------------------------------------------ input

    @Override
    public void receive(NetworkInterface iface, Ipv4Packet ip, Cast cast, long now) {
        rxMessages.increment();
        IgmpPacket p = view.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        WireError e = p.check();
        if (!e.ok()) {
            drop(dropMalformed[e.ordinal()], e.reason(), now);
            return;
        }
        if (!p.verifyChecksum()) {
            drop(dropBadChecksum, "bad_checksum", now);
            return;
        }
        switch (p.msgType()) {
            case IgmpPacket.TYPE_MEMBERSHIP_QUERY -> query(iface, ip, p, now);
            case IgmpPacket.TYPE_V1_MEMBERSHIP_REPORT, IgmpPacket.TYPE_V2_MEMBERSHIP_REPORT -> report(iface, p, now);
            // Hosts ignore IGMPv3 reports and leaves (RFC 3376 section 5, RFC 2236 section 3).
            case IgmpPacket.TYPE_V3_MEMBERSHIP_REPORT, IgmpPacket.TYPE_LEAVE_GROUP -> rxIgnored.increment();
            // RFC 3376 section 4: unrecognized message types are silently ignored.
            default -> drop(dropUnknownType, "unknown_type", now);
        }
    }

    /**
     * A Membership Query. Validation: TTL 1 (RFC 3376 section 4), the Router Alert option on
     * IGMPv2/v3 queries (section 9.1), a group field that is 0 or multicast, a destination that
     * is 224.0.0.1, one of our addresses, or the group of a group query (section 4.1.12), no
     * sources in a General Query (section 4.1.9). The version follows from the length and Max
     * Resp field (section 7.1).
     */
    private void query(NetworkInterface iface, Ipv4Packet ip, IgmpPacket p, long now) {
        rxQueries.increment();
        if (ip.ttl() != 1) {
            drop(dropBadTtl, "bad_ttl", now);
            return;
        }
        int group = p.groupAddr();
        boolean general = group == 0;
        if (!general && !Ipv4.isMulticast(group)) {
            drop(dropBadGroup, "bad_group", now);
            return;
        }
        int dst = ip.dstAddr();
        if (dst != ALL_SYSTEMS && !iface.hasIpv4(dst) && (general || dst != group)) {
            drop(dropBadDestination, "bad_destination", now);
            return;
        }
        boolean v1 = !p.isV3Query() && p.maxResp() == 0;
        if (!v1 && !hasRouterAlert(ip)) {
            drop(dropNoRouterAlert, "no_router_alert", now);
            return;
        }
        GroupMembership<Ipv4Address> m = membership(iface);
        if (p.isV3Query()) {
            if (general && p.numberOfSources() > 0) {
                drop(dropGeneralQueryWithSources, "general_query_with_sources", now);
                return;
            }
            m.querierParameters(p.qrv(), TimeUnit.SECONDS.toNanos(ExponentialCode.decode8(p.qqic())));
            long maxResp = GroupMembership.decisecondsToNanos(ExponentialCode.decode8(p.maxResp()));
            answer(m, p, general, group, sources(p), maxResp, now);
        } else if (v1) {
            // RFC 2236 section 4 / RFC 3376 7.2.1: an IGMPv1 querier is present.
            m.olderQuerierPresent(CompatibilityMode.NO_LEAVE, V1_MAX_RESP_NANOS, now);
            answer(m, p, general, group, List.of(), V1_MAX_RESP_NANOS, now);
        } else {
            long maxResp = GroupMembership.decisecondsToNanos(p.maxResp());
            m.olderQuerierPresent(CompatibilityMode.ANY_SOURCE, maxResp, now);
            answer(m, p, general, group, List.of(), maxResp, now);
        }
    }

    private void answer(GroupMembership<Ipv4Address> m, IgmpPacket p, boolean general, int group,
                        List<Ipv4Address> sources, long maxResp, long now) {
        if (general) {
            m.generalQuery(maxResp, now);
        } else if (!m.groupQuery(new Ipv4Address(group), sources, maxResp, now)) {
            drop(dropUnknownGroup, "unknown_group", now);
        }
    }

    private static List<Ipv4Address> sources(IgmpPacket p) {
        List<Ipv4Address> out = new ArrayList<>(p.numberOfSources());
        for (int i = 0; i < p.numberOfSources(); i++) {
            out.add(new Ipv4Address(p.sourceAddr(i)));
        }
        return out;
    }

    private boolean hasRouterAlert(Ipv4Packet ip) {
        if (ip.optionsLength() == 0) {
            return false;
        }
        Ipv4OptionIterator it = ip.options(options);
        while (it.next()) {
            if (it.type() == Ipv4OptionIterator.ROUTER_ALERT) {
                return true;
            }
        }
        return false;
    }

    /** Another host's IGMPv1/v2 report: suppresses ours in those modes (RFC 2236 section 3). */
    private void report(NetworkInterface iface, IgmpPacket p, long now) {
        rxReports.increment();
        if (!Ipv4.isMulticast(p.groupAddr())) {
            drop(dropBadGroup, "bad_group", now);
            return;
        }
        membership(iface).reportHeard(new Ipv4Address(p.groupAddr()));
    }

    private void drop(Counter c, String reason, long now) {
        c.increment();
        if (trace.enabled()) {
            trace.drop(now, LAYER, reason);
        }
    }

    // ------------------------------------------------------------------ output

    /** Encodes the machine's output for one interface. */
    private final class Reporter implements MembershipReporter<Ipv4Address> {
        private final NetworkInterface iface;

        Reporter(NetworkInterface iface) {
            this.iface = iface;
        }

        @Override
        public boolean reportable(Ipv4Address group) {
            return group.bits() != ALL_SYSTEMS;
        }

        /** RFC 3376 4.2: Version 3 Membership Reports to 224.0.0.22, as many as the MTU needs. */
        @Override
        public void sendReport(List<MembershipRecord<Ipv4Address>> records, long now) {
            Ipv4Path path = ipv4.path(IGMPV3_ROUTERS, 0, iface);
            if (path == null) {
                txFailed.increment();
                return;
            }
            int space = path.mtu() - IP_HEADER_LENGTH - IgmpPacket.HEADER_LENGTH;
            for (List<MembershipRecord<Ipv4Address>> message : ReportPacker.pack(records, space,
                    IgmpPacket.V3_RECORD_HEADER_LENGTH, 4)) {
                List<IgmpRepr.GroupRecord> groupRecords = new ArrayList<>(message.size());
                for (MembershipRecord<Ipv4Address> r : message) {
                    groupRecords.add(new IgmpRepr.GroupRecord(r.type().code(), r.group(), r.sources()));
                }
                if (send(path, new IgmpRepr.V3Report(groupRecords), now)) {
                    txV3Reports.increment();
                }
            }
        }

        @Override
        public void sendLegacyReport(CompatibilityMode mode, Ipv4Address group, long now) {
            Ipv4Path path = ipv4.path(group.bits(), 0, iface);
            boolean v1 = mode == CompatibilityMode.NO_LEAVE;
            IgmpRepr report = v1 ? new IgmpRepr.V1Report(group) : new IgmpRepr.V2Report(group);
            if (path != null && send(path, report, now)) {
                (v1 ? txV1Reports : txV2Reports).increment();
            }
        }

        @Override
        public void sendLeave(Ipv4Address group, long now) {
            Ipv4Path path = ipv4.path(ALL_ROUTERS, 0, iface);
            if (path != null && send(path, new IgmpRepr.LeaveGroup(group), now)) {
                txLeaves.increment();
            }
        }

        private boolean send(Ipv4Path path, IgmpRepr message, long now) {
            ByteBuf buf = Unpooled.buffer(message.bufferLength());
            buf.writerIndex(message.bufferLength());
            message.emit(buf, 0);
            SocketError e = ipv4.sendWithOptions(path, ROUTER_ALERT, IpProtocol.IGMP, 1, TOS_INTERNETWORK_CONTROL, buf,
                    now);
            if (e != SocketError.OK) {
                txFailed.increment();
                return false;
            }
            return true;
        }
    }
}
