package org.sockstack.api;

import org.sockstack.spi.wsa.IntRef;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/** Options, control codes and multipoint over the two user-space stacks. */
class StackOptionsTest extends OptionsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
    /**
     * Only the stack's TCP tells when the peer acknowledged everything: a lingering close whose
     * data the peer does not take waits the linger time, then resets the connection.
     */
    @org.junit.jupiter.api.Test
    void lingerWithTimeResetsWhenThePeerDoesNotTakeTheData() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(b, l, SOL_SOCKET, SO_RCVBUF, 4096);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 1));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)));
        byte[] chunk = new byte[8192];
        while (a.send(c, chunk, chunk.length, 0) != SOCKET_ERROR) {
            // fill the send buffer and the peer's window
        }
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(0)));
        setInt(a, c, SOL_SOCKET, SO_LINGER, linger(1, 1));
        long start = System.nanoTime();
        assertEquals(0, a.closesocket(c));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 900, () -> "closesocket returned after " + ms + " ms");
        setInt(b, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        assertEquals(-WSAECONNRESET, readAll(b, s));
    }
    /**
     * SIO_ADDRESS_LIST_CHANGE, overlapped: pending until the stack is given a new address, then
     * complete; a blocking one waits the same way. (A stack of its own: the test adds the address.)
     */
    @org.junit.jupiter.api.Test
    void addressListChangeCompletesWhenTheStackGetsAnAddress() throws Exception {
        org.sockstack.stack.loop.EventLoop loop = new org.sockstack.stack.loop.EventLoop("chg",
                org.sockstack.stack.loop.Clock.system());
        org.sockstack.stack.Stack stack = new org.sockstack.stack.Stack(loop,
                org.sockstack.stack.StackConfig.defaults("chg").withSeed(3));
        org.sockstack.stack.device.ChannelDevice dev = new org.sockstack.stack.device.ChannelDevice("chg0",
                org.sockstack.stack.wire.MacAddress.parse("02:00:00:00:0c:01"), 1500);
        org.sockstack.stack.iface.NetworkInterface iface = stack.addInterface(dev);
        loop.start();
        org.sockstack.spi.catalog.Catalog c = new org.sockstack.spi.catalog.Catalog();
        c.installProvider(org.sockstack.spi.stack.StackProvider.PROVIDER_ID,
                org.sockstack.spi.stack.StackProvider.Factory.class.getName(),
                org.sockstack.spi.stack.StackProvider.entries());
        Winsock ws = new Winsock(new org.sockstack.spi.Ws2Process(c, new org.sockstack.spi.ProviderRegistry(false)
                .register(new org.sockstack.spi.stack.StackProvider.Factory(stack))));
        try {
            assertEquals(0, ws.WSAStartup(makeVersion(2, 2), new org.sockstack.spi.WsaData()));
            long s = socketOk(ws, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
            org.sockstack.spi.provider.Overlapped ov = new org.sockstack.spi.provider.Overlapped(
                    new org.sockstack.spi.provider.WsaEvent());
            assertEquals(SOCKET_ERROR, ws.WSAIoctl(s, SIO_ADDRESS_LIST_CHANGE, (byte[]) null, (byte[]) null,
                    new IntRef(), ov, null));
            assertEquals(WSA_IO_PENDING, ws.WSAGetLastError());
            assertEquals(false, ov.await(200));
            loop.submit(() -> stack.addIpv4Address(iface,
                    org.sockstack.stack.wire.Ipv4Address.parse("198.51.100.1"), 24)).join();
            assertTrue(ov.await(WAIT_MS));
            assertEquals(0, ov.status());

            Thread adder = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                loop.submit(() -> stack.addIpv4Address(iface,
                        org.sockstack.stack.wire.Ipv4Address.parse("198.51.100.2"), 24)).join();
            });
            assertEquals(0, ws.WSAIoctl(s, SIO_ADDRESS_LIST_CHANGE, (byte[]) null, (byte[]) null, new IntRef(),
                    null, null), () -> "blocking: " + ws.WSAGetLastError());
            adder.join();

            // Non-blocking under WSAEventSelect: WSAEWOULDBLOCK, then FD_ADDRESS_LIST_CHANGE.
            long e = socketOk(ws, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
            org.sockstack.spi.provider.WsaEvent ev = ws.WSACreateEvent();
            assertEquals(0, ws.WSAEventSelect(e, ev, FD_ADDRESS_LIST_CHANGE));
            assertEquals(SOCKET_ERROR, ws.WSAIoctl(e, SIO_ADDRESS_LIST_CHANGE, (byte[]) null, (byte[]) null,
                    new IntRef(), null, null));
            assertEquals(WSAEWOULDBLOCK, ws.WSAGetLastError());
            loop.submit(() -> stack.addIpv4Address(iface,
                    org.sockstack.stack.wire.Ipv4Address.parse("198.51.100.3"), 24)).join();
            assertEquals(Winsock.WSA_WAIT_EVENT_0, ws.WSAWaitForMultipleEvents(1,
                    new org.sockstack.spi.provider.WsaEvent[] {ev}, false, WAIT_MS, false));
            org.sockstack.spi.provider.NetworkEvents ne = new org.sockstack.spi.provider.NetworkEvents();
            assertEquals(0, ws.WSAEnumNetworkEvents(e, ev, ne));
            assertEquals(FD_ADDRESS_LIST_CHANGE, ne.networkEvents);
        } finally {
            Worlds.cleanupAll(ws);
            loop.close();
            dev.close();
        }
    }

    /** WSAConnect's flow specs are checked: WSA_QOS_* for what the stack cannot offer. */
    @org.junit.jupiter.api.Test
    void wsaConnectChecksFlowSpecs() {
        long l = listener();
        int p = port(b, l);
        int[][] cases = {
            {1000, 1000, -1, 99, WSA_QOS_ESERVICETYPE},
            {1000, 1000, -1, 0x0A, WSA_QOS_ESERVICETYPE},      // SERVICETYPE_NETWORK_CONTROL
            {1000, 1000, 500, 2, WSA_QOS_EFLOWSPEC},           // peak below the token rate
            {-1, 1000, -1, 3, WSA_QOS_EFLOWSPEC},              // guaranteed without a rate
            {1000, -7, -1, 2, WSA_QOS_EFLOWSPEC},
        };
        for (int[] k : cases) {
            long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
            assertEquals(SOCKET_ERROR, a.WSAConnect(c, sin(world.addrB(), p), null, null, qos(k[0], k[1], k[2], k[3]),
                    null));
            assertEquals(k[4], a.WSAGetLastError(), java.util.Arrays.toString(k));
        }
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        org.sockstack.spi.provider.Qos withObjects = new org.sockstack.spi.provider.Qos(null, null, new byte[] {1});
        assertEquals(SOCKET_ERROR, a.WSAConnect(c, sin(world.addrB(), p), null, null, withObjects, null));
        assertEquals(WSA_QOS_EPROVSPECBUF, a.WSAGetLastError());
        assertEquals(SOCKET_ERROR, a.WSAConnect(c, sin(world.addrB(), p), null, null, null, qos(1000, 1000, -1, 1)));
        assertEquals(WSAEOPNOTSUPP, a.WSAGetLastError());
    }

    /**
     * A controlled-load flow spec of 20000 octets/s with a 4000-octet bucket paces a blocking send
     * of 24000 octets: the bucket's 4000 at once, the other 20000 over about one second.
     */
    @org.junit.jupiter.api.Test
    void sendingFlowSpecPacesTheSends() {
        long l = listener();
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.WSAConnect(c, sin(world.addrB(), port(b, l)), null, null, qos(20_000, 4000, -1, 2), null),
                () -> "WSAConnect " + a.WSAGetLastError());
        long s = b.accept(l, null);
        setInt(b, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        Thread reader = Thread.ofVirtual().start(() -> assertEquals(24_000, readAll(b, s)));
        byte[] data = new byte[24_000];
        long start = System.nanoTime();
        assertEquals(data.length, a.send(c, data, data.length, 0), () -> "send " + a.WSAGetLastError());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 900 && ms < 4000, () -> "24000 octets at 20000/s after a 4000 burst took " + ms + " ms");
        assertEquals(0, a.closesocket(c));
        assertTrue(join(reader));
    }
}
