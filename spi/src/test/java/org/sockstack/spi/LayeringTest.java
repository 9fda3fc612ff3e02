package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.layered.FaultInjectorProvider;
import org.sockstack.spi.layered.FaultInjectorProvider.Action;
import org.sockstack.spi.layered.FaultInjectorProvider.Rule;
import org.sockstack.spi.layered.InspectorProvider;
import org.sockstack.spi.provider.AsyncWindow;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layered providers over the stack provider: chains, handles, the base-handle bypass, real layers. */
class LayeringTest {

    static int udpEntry(Catalog c) {
        return c.allEntries().stream().filter(p -> p.name().equals("Sockstack stack UDP/IP")).findFirst()
                .orElseThrow().catalogEntryId();
    }

    /** Installs a layer over the stack's UDP entry and moves its chain to the front of the catalog. */
    static void layerFirst(Catalog c, java.util.UUID layer, String name, int over) {
        assertEquals(0, c.installProviderAndChains(layer, name, name, List.of(over)));
        ProtocolInfo chain = c.allEntries().get(c.allEntries().size() - 1);
        List<Integer> order = new ArrayList<>();
        order.add(chain.catalogEntryId());
        c.allEntries().stream().map(ProtocolInfo::catalogEntryId).filter(i -> i != chain.catalogEntryId())
                .forEach(order::add);
        assertEquals(0, c.writeProviderOrder(order));
    }

    @Test
    void theInspectorSeesEverySend() {
        List<InspectorProvider.Call> calls = new CopyOnWriteArrayList<>();
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, InspectorProvider.PROVIDER_ID, "Inspector",
                udpEntry(c)), new InspectorProvider.Factory(calls::add))) {
            Net a = Net.udp(env.a());
            assertTrue(a.provider() instanceof InspectorProvider);
            Net b = Net.udp(env.b());
            assertEquals(0, b.bind(env.addrB(), 0));
            assertEquals(0, a.bind(env.addrA(), 0));
            for (int i = 0; i < 3; i++) {
                assertEquals(0, a.sendTo(("msg-" + i).getBytes(), env.addrB(), b.port()));
            }
            assertEquals(0, a.sendTo(new byte[70000], env.addrB(), b.port()) == 0 ? 1 : 0);
            for (int i = 0; i < 3; i++) {
                assertEquals("msg-" + i, UdpScenarios.recvWithin(b, 20).text());
            }
            List<InspectorProvider.Call> sends = calls.stream().filter(c -> c.name().equals("sendTo")).toList();
            assertEquals(4, sends.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(0, sends.get(i).result());
                assertEquals(5, sends.get(i).bytes());
                assertEquals(a.handle, sends.get(i).socket());
            }
            assertEquals(Wsa.SOCKET_ERROR, sends.get(3).result());
            assertEquals(WsaError.WSAEMSGSIZE, sends.get(3).error());
            assertTrue(calls.stream().anyMatch(c -> c.name().equals("socket") && c.result() == a.handle));
            assertTrue(calls.stream().anyMatch(c -> c.name().equals("bind") && c.result() == 0));
            assertTrue(sends.get(0).toString().startsWith("sendTo(" + a.handle + ", 1 buffer(s)/5 bytes"));
        }
    }

    @Test
    void reorderingTheCatalogChangesWhichProviderASocketGets() {
        List<InspectorProvider.Call> calls = new CopyOnWriteArrayList<>();
        try (TestNetworks.Env env = TestNetworks.stacks(c -> c.installProviderAndChains(InspectorProvider.PROVIDER_ID,
                "i", "Inspector", List.of(udpEntry(c))), new InspectorProvider.Factory(calls::add))) {
            Net first = Net.udp(env.a());
            assertTrue(first.provider() instanceof StackProvider);
            // A running process keeps its catalog; a process started after the reorder sees it.
            Catalog installed = env.a().catalog();
            List<Integer> order = new ArrayList<>(installed.allEntries().stream().map(ProtocolInfo::catalogEntryId)
                    .toList());
            Collections.reverse(order);
            Ws2Process later = new Ws2Process(reordered(installed, order), registryOf(env));
            later.startup(Wsa.makeVersion(2, 2), new WsaData());
            Net second = Net.udp(later);
            assertTrue(second.provider() instanceof InspectorProvider);
            assertEquals(0, second.close());
            later.cleanup();
        }
    }

    private static Catalog reordered(Catalog c, List<Integer> order) {
        Catalog copy = c.snapshot();
        assertEquals(0, copy.writeProviderOrder(order));
        return copy;
    }

    private ProviderRegistry registryOf(TestNetworks.Env env) {
        // The stack provider of peer A, reached through its process.
        Net probe = Net.udp(env.a());
        StackProvider sp = (StackProvider) probe.provider();
        probe.close();
        return new ProviderRegistry(false)
                .register(new StackProvider.Factory(((org.sockstack.spi.stack.StackBackend) sp.backend()).stack()))
                .register(new InspectorProvider.Factory(c -> { }));
    }

    @Test
    void theBaseHandleQueryBypassesLayersAndTheBaseHandleWorks() {
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, FaultInjectorProvider.PROVIDER_ID, "Faults",
                udpEntry(c)), new FaultInjectorProvider.Factory(List.of(new Rule("bind", Action.ERROR, 1.0,
                WsaError.WSAENETDOWN), new Rule("ioctl", Action.ERROR, 1.0, WsaError.WSAENETDOWN)), 7))) {
            Net top = Net.udp(env.a());
            assertTrue(top.provider() instanceof FaultInjectorProvider);
            // Every ioctl fails through the injector...
            assertEquals(WsaError.WSAENETDOWN, top.bind(env.addrA(), 0));
            assertEquals(WsaError.WSAENETDOWN, top.ioctlIn(Wsa.FIONBIO, 1));
            // ...but SIO_BASE_HANDLE goes straight to the base provider.
            long base = top.ioctlOut(Wsa.SIO_BASE_HANDLE, 8);
            assertTrue(base > 0);
            assertNotEquals(top.handle, base);
            Net b = new Net(env.a(), base);
            assertTrue(b.provider() instanceof StackProvider);
            assertEquals(0, b.bind(env.addrA(), 0));
            assertEquals(env.addrA(), b.local().getAddress());
        }
    }

    @Test
    void theFaultInjectorDropsShortensAndFailsChosenCalls() {
        List<Rule> rules = List.of(new Rule("sendTo", Action.SHORT_WRITE, 1.0, 50),
                new Rule("setSockOpt", Action.ERROR, 1.0, WsaError.WSAENOBUFS));
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, FaultInjectorProvider.PROVIDER_ID, "Faults",
                udpEntry(c)), new FaultInjectorProvider.Factory(rules, 1))) {
            Net a = Net.udp(env.a());
            Net b = Net.udp(env.b());
            b.bind(env.addrB(), 0);
            IntRef n = new IntRef();
            IntRef e = new IntRef();
            int r = a.provider().sendTo(a.handle, new java.nio.ByteBuffer[] {java.nio.ByteBuffer.wrap(
                    "0123456789".getBytes())}, n, 0, org.sockstack.spi.wsa.SockAddr.inet(env.addrB(), b.port()), null,
                    null, null, e);
            assertEquals(0, r);
            assertEquals(5, n.value);
            assertEquals("01234", UdpScenarios.recvWithin(b, 20).text());
            assertEquals(WsaError.WSAENOBUFS, a.setInt(Wsa.SOL_SOCKET, Wsa.SO_BROADCAST, 1));
        }
    }

    @Test
    void droppedSendsAreReportedSentButNeverArrive() {
        List<Rule> rules = List.of(new Rule("sendTo", Action.DROP, 1.0, 0));
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, FaultInjectorProvider.PROVIDER_ID, "Faults",
                udpEntry(c)), new FaultInjectorProvider.Factory(rules, 1))) {
            Net a = Net.udp(env.a());
            Net b = Net.udp(env.b());
            b.bind(env.addrB(), 0);
            assertEquals(0, a.sendTo("gone".getBytes(), env.addrB(), b.port()));
            b.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, 300);
            assertEquals(WsaError.WSAETIMEDOUT, b.recvFrom(10, 0).error());
        }
    }

    @Test
    void aSeededInjectorHitsTheSameCallsEveryRun() {
        assertEquals(hits(42), hits(42));
        assertNotEquals(hits(42), hits(43));
    }

    private static List<Integer> hits(long seed) {
        List<Rule> rules = List.of(new Rule("getSockOpt", Action.ERROR, 0.5, WsaError.WSAENETDOWN));
        List<Integer> out = new ArrayList<>();
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, FaultInjectorProvider.PROVIDER_ID, "Faults",
                udpEntry(c)), new FaultInjectorProvider.Factory(rules, seed))) {
            Net a = Net.udp(env.a());
            for (int i = 0; i < 32; i++) {
                out.add(a.getInt(Wsa.SOL_SOCKET, Wsa.SO_TYPE));
            }
        }
        return out;
    }

    @Test
    void twoLayersStackIntoAChainOfThree() {
        List<InspectorProvider.Call> calls = new CopyOnWriteArrayList<>();
        List<Rule> rules = List.of(new Rule("getSockOpt", Action.ERROR, 1.0, WsaError.WSAENETDOWN));
        try (TestNetworks.Env env = TestNetworks.stacks(c -> {
            layerFirst(c, InspectorProvider.PROVIDER_ID, "Inspector", udpEntry(c));
            int inspectorChain = c.allEntries().get(0).catalogEntryId();
            layerFirst(c, FaultInjectorProvider.PROVIDER_ID, "Faults", inspectorChain);
        }, new InspectorProvider.Factory(calls::add), new FaultInjectorProvider.Factory(rules, 1))) {
            IntRef e = new IntRef();
            ProtocolInfo top = env.a().enumProtocols(null, e).get(0);
            assertEquals(3, top.chain().length());
            Net a = Net.udp(env.a());
            assertTrue(a.provider() instanceof FaultInjectorProvider);
            assertEquals(-WsaError.WSAENETDOWN, a.getInt(Wsa.SOL_SOCKET, Wsa.SO_TYPE));
            assertEquals(0, a.bind(env.addrA(), 0));
            // The injector stopped getSockOpt above the inspector; bind went through both.
            assertTrue(calls.stream().noneMatch(c -> c.name().equals("getSockOpt")));
            assertTrue(calls.stream().anyMatch(c -> c.name().equals("bind") && c.result() == 0));
            assertEquals(a.handle == a.ioctlOut(Wsa.SIO_BASE_HANDLE, 8), false);
        }
    }

    @Test
    void overlappedCompletionsThroughALayerReachTheCompletionPort() throws InterruptedException {
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, InspectorProvider.PROVIDER_ID, "Inspector",
                udpEntry(c)), new InspectorProvider.Factory(c -> { }))) {
            Net a = Net.udp(env.a());
            assertEquals(0, a.bind(env.addrA(), 0));
            org.sockstack.spi.provider.CompletionPort port = new org.sockstack.spi.provider.CompletionPort();
            assertEquals(0, env.a().associate(a.handle, port, 5));
            org.sockstack.spi.provider.Overlapped ov = new org.sockstack.spi.provider.Overlapped();
            IntRef e = new IntRef();
            a.provider().recv(a.handle, new java.nio.ByteBuffer[] {java.nio.ByteBuffer.allocate(8)}, new IntRef(),
                    new IntRef(), ov, null, null, e);
            assertEquals(WsaError.WSA_IO_PENDING, e.value);
            Net b = Net.udp(env.b());
            b.sendTo("layered".getBytes(), env.addrA(), a.port());
            org.sockstack.spi.provider.CompletionPort.Packet p = port.take(UdpScenarios.WAIT_MS);
            assertNotNull(p);
            assertEquals(5, p.completionKey());
            assertEquals(7, p.bytesTransferred());
        }
    }

    @Test
    void acceptThroughALayerOverTheHostGivesLayeredHandles() {
        List<InspectorProvider.Call> calls = new CopyOnWriteArrayList<>();
        Catalog c = new Catalog();
        c.installProvider(org.sockstack.spi.host.HostProvider.PROVIDER_ID, "host",
                org.sockstack.spi.host.HostProvider.entries());
        int tcp = c.allEntries().get(0).catalogEntryId();
        layerFirst(c, InspectorProvider.PROVIDER_ID, "Inspector", tcp);
        Ws2Process p = TestNetworks.started(c, new ProviderRegistry(false)
                .register(new org.sockstack.spi.host.HostProvider.Factory())
                .register(new InspectorProvider.Factory(calls::add)));
        try {
            Net l = TcpScenarios.tcp(p);
            assertTrue(l.provider() instanceof InspectorProvider);
            java.net.InetAddress lo = TestNetworks.ip("127.0.0.1");
            assertEquals(0, l.bind(lo, 0));
            IntRef e = new IntRef();
            assertEquals(0, l.provider().listen(l.handle, 4, e));
            Net client = TcpScenarios.tcp(p);
            assertEquals(0, client.connect(lo, l.port()));
            Net server = TcpScenarios.accept(l);
            assertTrue(server.provider() instanceof InspectorProvider);
            assertNotEquals(server.handle, server.ioctlOut(Wsa.SIO_BASE_HANDLE, 8));
            assertEquals(4, TcpScenarios.send(client, "tcp!".getBytes()));
            assertEquals("tcp!", new String(TcpScenarios.readFully(server, 4)));
            assertTrue(calls.stream().anyMatch(x -> x.name().equals("accept") && x.result() == server.handle));
            assertTrue(calls.stream().anyMatch(x -> x.name().equals("send") && x.bytes() == 4));
        } finally {
            p.cleanup();
        }
    }

    @Test
    void asyncSelectMessagesThroughALayerCarryTheLayersHandle() throws InterruptedException {
        try (TestNetworks.Env env = TestNetworks.stacks(c -> layerFirst(c, InspectorProvider.PROVIDER_ID, "Inspector",
                udpEntry(c)), new InspectorProvider.Factory(c -> { }))) {
            Net a = Net.udp(env.a());
            assertEquals(0, a.bind(env.addrA(), 0));
            LinkedBlockingQueue<long[]> q = new LinkedBlockingQueue<>();
            AsyncWindow w = (msg, wp, lp) -> q.add(new long[] {msg, wp, lp});
            IntRef e = new IntRef();
            assertEquals(0, a.provider().asyncSelect(a.handle, w, 0x401, Wsa.FD_READ, e));
            Net b = Net.udp(env.b());
            b.sendTo("hi".getBytes(), env.addrA(), a.port());
            long[] m = q.poll(UdpScenarios.WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(m);
            assertEquals(a.handle, m[1]);
            assertEquals(Wsa.FD_READ, Wsa.selectEvent(m[2]));
        }
    }
}
