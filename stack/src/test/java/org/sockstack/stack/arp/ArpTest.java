package org.sockstack.stack.arp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.iface.Ipv4InterfaceAddress;
import org.sockstack.stack.neighbor.NeighborState;
import org.sockstack.stack.testing.StackHarness;
import org.sockstack.stack.wire.ArpPacket;
import org.sockstack.stack.wire.ArpRepr;
import org.sockstack.stack.wire.EtherType;
import org.sockstack.stack.wire.EthernetFrame;
import org.sockstack.stack.wire.EthernetRepr;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.stack.testing.StackHarness.PEER_IP;
import static org.sockstack.stack.testing.StackHarness.PEER_MAC;
import static org.sockstack.stack.testing.StackHarness.STACK_IP;
import static org.sockstack.stack.testing.StackHarness.STACK_MAC;

class ArpTest {
    private StackHarness h;

    @BeforeEach
    void setUp() {
        h = new StackHarness().withAddress();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    static ByteBuf arpFrame(ArpRepr arp, MacAddress dst) {
        ByteBuf f = Unpooled.buffer(60);
        new EthernetRepr(arp.senderHardwareAddr(), dst, EtherType.ARP).emit(f, 0);
        arp.emit(f, EthernetFrame.HEADER_LENGTH);
        f.writerIndex(60); // minimum Ethernet frame: padding after the 28 ARP octets is ignored
        return f;
    }

    static ArpRepr parseSent(ByteBuf frame) {
        EthernetFrame eth = new EthernetFrame().wrap(frame);
        assertTrue(eth.check().ok());
        assertEquals(EtherType.ARP, eth.etherType());
        return ArpRepr.parse(new ArpPacket().wrap(frame, eth.payloadOffset(), eth.payloadLength())).value();
    }

    /** RFC 826 "packet reception": a request for our address is answered to the sender. */
    @Test
    void rfc826_requestForOurAddressIsAnswered() {
        h.inject(arpFrame(ArpRepr.request(PEER_MAC, PEER_IP, STACK_IP), MacAddress.BROADCAST));
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        assertEquals(PEER_MAC.bits(), new EthernetFrame().wrap(sent.get(0)).dstAddr());
        assertEquals(ArpRepr.reply(STACK_MAC, STACK_IP, PEER_MAC, PEER_IP), parseSent(sent.get(0)));
        StackHarness.releaseAll(sent);
        // The requester was merged into the cache (we are its target).
        assertEquals(NeighborState.STALE, h.stack.arp(h.iface).cache().entry(PEER_IP).state());
    }

    @Test
    void rfc826_requestForAnotherAddressIsIgnoredAndNotCached() {
        h.inject(arpFrame(ArpRepr.request(PEER_MAC, PEER_IP, Ipv4Address.parse("192.0.2.77")), MacAddress.BROADCAST));
        assertTrue(h.sent().isEmpty());
        assertNull(h.stack.arp(h.iface).cache().entry(PEER_IP));
    }

    /** RFC 5227 2.3: a new address is announced ANNOUNCE_NUM times, ANNOUNCE_INTERVAL apart. */
    @Test
    void rfc5227_2_3_newAddressIsAnnouncedTwice() {
        try (StackHarness fresh = new StackHarness()) {
            fresh.stack.addIpv4Address(fresh.iface, STACK_IP, 24);
            fresh.run();
            List<ByteBuf> first = fresh.sent();
            assertEquals(1, first.size());
            ArpRepr a = parseSent(first.get(0));
            assertTrue(a.isGratuitous() && a.isRequest(), "announcement: " + a);
            StackHarness.releaseAll(first);
            fresh.advance(1_999);
            assertTrue(fresh.sent().isEmpty());
            fresh.advance(1);
            List<ByteBuf> second = fresh.sent();
            assertEquals(1, second.size());
            StackHarness.releaseAll(second);
            fresh.advance(10_000);
            assertTrue(fresh.sent().isEmpty());
        }
    }

    /** RFC 1122 2.3.2.1/RFC 4861 7.3.3: resolution retries, then fails and drops the queue. */
    @Test
    void resolutionRetriesThreeTimesThenDropsQueuedPackets() {
        var cache = h.stack.arp(h.iface).cache();
        cache.send(PEER_IP, h.iface.newFrame(EtherType.IPV4, 20), h.clock.nanos());
        for (int i = 0; i < 3; i++) {
            List<ByteBuf> sent = h.sent();
            assertEquals(1, sent.size(), "solicitation " + i);
            ArpRepr req = parseSent(sent.get(0));
            assertEquals(ArpRepr.request(STACK_MAC, STACK_IP, PEER_IP), req);
            StackHarness.releaseAll(sent);
            h.advance(1_000);
        }
        assertTrue(h.sent().isEmpty());
        assertNull(cache.entry(PEER_IP));
        assertEquals(1, h.stack.counters().get("arp.drop.neighbor_unresolved"));
    }

    @Test
    void replyResolvesAndFlushesQueuedPacketsToTheAnsweringMac() {
        var cache = h.stack.arp(h.iface).cache();
        cache.send(PEER_IP, h.iface.newFrame(EtherType.IPV4, 20), h.clock.nanos());
        StackHarness.releaseAll(h.sent());
        h.inject(arpFrame(ArpRepr.reply(PEER_MAC, PEER_IP, STACK_MAC, STACK_IP), STACK_MAC));
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size());
        EthernetFrame eth = new EthernetFrame().wrap(sent.get(0));
        assertTrue(eth.check().ok());
        assertEquals(PEER_MAC.bits(), eth.dstAddr());
        assertEquals(EtherType.IPV4, eth.etherType());
        StackHarness.releaseAll(sent);
        assertEquals(NeighborState.REACHABLE, cache.entry(PEER_IP).state());
    }

    /** An unsolicited reply does not create an entry (no cache pollution). */
    @Test
    void unsolicitedReplyDoesNotCreateAnEntry() {
        h.inject(arpFrame(ArpRepr.reply(PEER_MAC, PEER_IP, STACK_MAC, STACK_IP), STACK_MAC));
        assertNull(h.stack.arp(h.iface).cache().entry(PEER_IP));
    }

    /** RFC 5227 2.4: someone claiming our address is not cached, and we defend once per 10 s. */
    @Test
    void rfc5227_2_4_spoofedClaimOfOurAddressIsDefendedNotCached() {
        MacAddress attacker = MacAddress.parse("02:66:66:66:66:66");
        for (int i = 0; i < 3; i++) {
            h.inject(arpFrame(ArpRepr.request(attacker, STACK_IP, STACK_IP), MacAddress.BROADCAST));
        }
        List<ByteBuf> sent = h.sent();
        assertEquals(1, sent.size(), "one defence within DEFEND_INTERVAL");
        assertTrue(parseSent(sent.get(0)).isGratuitous());
        StackHarness.releaseAll(sent);
        assertNull(h.stack.arp(h.iface).cache().entry(STACK_IP));
        assertEquals(3, h.stack.counters().get("arp.address_conflicts"));
        h.advance(10_000);
        h.inject(arpFrame(ArpRepr.request(attacker, STACK_IP, STACK_IP), MacAddress.BROADCAST));
        List<ByteBuf> again = h.sent();
        assertEquals(1, again.size(), "defends again after DEFEND_INTERVAL");
        StackHarness.releaseAll(again);
    }

    /** RFC 5227 2.1.1: while probing, another host's probe for the same address is a conflict. */
    @Test
    void rfc5227_2_1_1_probeConflictMarksTheAddress() {
        try (StackHarness probing = new StackHarness(StackConfig.defaults("p").withSeed(1).withProbeIpv4(true))) {
            Ipv4InterfaceAddress a = probing.stack.addIpv4Address(probing.iface, STACK_IP, 24);
            assertEquals(Ipv4InterfaceAddress.State.TENTATIVE, a.state());
            probing.advance(1_000);
            List<ByteBuf> probes = probing.sent();
            assertEquals(1, probes.size());
            assertTrue(parseSent(probes.get(0)).isProbe());
            StackHarness.releaseAll(probes);
            probing.inject(arpFrame(new ArpRepr(ArpPacket.OP_REQUEST, PEER_MAC, Ipv4Address.ANY, MacAddress.ZERO, STACK_IP),
                    MacAddress.BROADCAST));
            assertEquals(Ipv4InterfaceAddress.State.CONFLICT, a.state());
            probing.advance(20_000);
            StackHarness.releaseAll(probing.sent());
            assertEquals(Ipv4InterfaceAddress.State.CONFLICT, a.state(), "never assigned after a conflict");
        }
    }

    @Test
    void rfc5227_probingWithoutConflictAssignsAndAnnounces() {
        try (StackHarness probing = new StackHarness(StackConfig.defaults("p").withSeed(1).withProbeIpv4(true))) {
            Ipv4InterfaceAddress a = probing.stack.addIpv4Address(probing.iface, STACK_IP, 24);
            probing.advance(20_000);
            List<ByteBuf> sent = probing.sent();
            long probes = sent.stream().map(ArpTest::parseSent).filter(ArpRepr::isProbe).count();
            long announcements = sent.stream().map(ArpTest::parseSent).filter(ArpRepr::isGratuitous).count();
            StackHarness.releaseAll(sent);
            assertEquals(3, probes);
            assertEquals(2, announcements);
            assertEquals(Ipv4InterfaceAddress.State.ASSIGNED, a.state());
        }
    }

    @Test
    void malformedPacketsAreDroppedAndCounted() {
        ByteBuf truncated = arpFrame(ArpRepr.request(PEER_MAC, PEER_IP, STACK_IP), MacAddress.BROADCAST);
        truncated.writerIndex(EthernetFrame.HEADER_LENGTH + 20);
        h.inject(truncated);
        ByteBuf badLength = arpFrame(ArpRepr.request(PEER_MAC, PEER_IP, STACK_IP), MacAddress.BROADCAST);
        badLength.setByte(EthernetFrame.HEADER_LENGTH + 4, 8);
        h.inject(badLength);
        ByteBuf groupSender = arpFrame(ArpRepr.request(MacAddress.parse("01:00:5e:00:00:01"), PEER_IP, STACK_IP),
                MacAddress.BROADCAST);
        h.inject(groupSender);
        assertTrue(h.sent().isEmpty());
        assertEquals(1, h.stack.counters().get("arp.drop.truncated"));
        assertEquals(1, h.stack.counters().get("arp.drop.bad_length"));
        assertEquals(1, h.stack.counters().get("arp.drop.bad_sender_address"));
    }

    /** A flood of requests from random senders cannot grow the cache past its bound. */
    @Test
    void cacheStaysBoundedUnderAFlood() {
        for (int i = 0; i < 5_000; i++) {
            Ipv4Address sender = new Ipv4Address(Ipv4Address.parse("198.51.100.0").bits() + (i % 250) + (i / 250 << 8));
            h.device.inject(arpFrame(ArpRepr.request(new MacAddress(0x02_00_00_10_00_00L + i), sender, STACK_IP),
                    MacAddress.BROADCAST));
            if (i % 500 == 0) {
                h.run();
                StackHarness.releaseAll(h.sent());
            }
        }
        h.run();
        StackHarness.releaseAll(h.sent());
        assertTrue(h.stack.arp(h.iface).cache().size() <= 1024, "size " + h.stack.arp(h.iface).cache().size());
        assertTrue(h.stack.counters().get("arp.neighbor.evicted") > 0);
    }

    /** A reply broadcast, or not naming us as target, updates the entry but does not vouch for reachability. */
    @Test
    void broadcastReplyDoesNotConfirmReachability() {
        var cache = h.stack.arp(h.iface).cache();
        cache.send(PEER_IP, h.iface.newFrame(EtherType.IPV4, 20), h.clock.nanos());
        StackHarness.releaseAll(h.sent());
        h.inject(arpFrame(ArpRepr.reply(PEER_MAC, PEER_IP, MacAddress.BROADCAST, STACK_IP), MacAddress.BROADCAST));
        StackHarness.releaseAll(h.sent());
        assertTrue(cache.entry(PEER_IP).state() != NeighborState.REACHABLE, "state " + cache.entry(PEER_IP).state());
        assertEquals(PEER_MAC.bits(), cache.entry(PEER_IP).mac());
    }

    /** Resolving many addresses at once cannot fill the cache with INCOMPLETE entries. */
    @Test
    void incompleteEntriesAreCapped() {
        var cache = h.stack.arp(h.iface).cache();
        for (int i = 0; i < 2_000; i++) {
            Ipv4Address dst = new Ipv4Address(Ipv4Address.parse("192.0.2.0").bits() + 3 + (i % 250));
            cache.send(new Ipv4Address(dst.bits() + (i / 250 << 8)), h.iface.newFrame(EtherType.IPV4, 20), h.clock.nanos());
            if (i % 100 == 0) {
                StackHarness.releaseAll(h.sent());
            }
        }
        StackHarness.releaseAll(h.sent());
        assertTrue(cache.size() <= 256, "INCOMPLETE entries capped at a quarter of the cache: " + cache.size());
    }

    /** The frames held for one unresolved neighbour are bounded in octets too. */
    @Test
    void queuedFramesAreBoundedInOctets() {
        var cache = h.stack.arp(h.iface).cache();
        for (int i = 0; i < 100; i++) {
            cache.send(Ipv4Address.parse("192.0.2.77"), h.iface.newFrame(EtherType.IPV4, 1500), h.clock.nanos());
        }
        StackHarness.releaseAll(h.sent());
        assertTrue(cache.entry(Ipv4Address.parse("192.0.2.77")).pendingPackets() * 1514 <= 96 * 1024);
        assertTrue(h.stack.counters().get("arp.drop.neighbor_queue_full") > 0);
    }
}
