package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.layered.InspectorProvider;
import org.sockstack.spi.provider.PacketInfo;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WSPRecvMsg / WSPSendMsg ({@code TransportProvider.recvMsg}, {@code sendMsg}) through a layered
 * provider: the packet information reaches the base stack provider and comes back up.
 */
class LayeredPacketInfoTest {

    @Test
    void packetInfoPassesThroughALayer() {
        List<InspectorProvider.Call> calls = new CopyOnWriteArrayList<>();
        try (TestNetworks.Env env = TestNetworks.stacks(c -> LayeringTest.layerFirst(c, InspectorProvider.PROVIDER_ID,
                "Inspector", LayeringTest.udpEntry(c)), new InspectorProvider.Factory(calls::add))) {
            Net a = Net.udp(env.a());
            assertTrue(a.provider() instanceof InspectorProvider);
            Net b = Net.udp(env.b());
            assertEquals(0, b.bind(env.addrB(), 0));
            assertEquals(0, b.setInt(Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, 5000));
            IntRef e = new IntRef();
            IntRef n = new IntRef();
            assertEquals(0, a.provider().sendMsg(a.handle, new ByteBuffer[] {ByteBuffer.wrap("pkt".getBytes())}, n, 0,
                    SockAddr.inet(env.addrB(), b.port()), new PacketInfo(env.addrA(), 1), null, null, null, e));
            assertEquals(3, n.value);

            AtomicReference<PacketInfo> seen = new AtomicReference<>();
            Ref<SockAddr> from = new Ref<>();
            ByteBuffer into = ByteBuffer.allocate(16);
            assertEquals(0, b.provider().recvMsg(b.handle, new ByteBuffer[] {into}, n, new IntRef(), from,
                    seen::set, null, null, Thread.currentThread(), e), () -> "recvMsg " + e.value);
            assertEquals(3, n.value);
            assertEquals(env.addrA(), from.value.toInet().getAddress());
            assertEquals(new PacketInfo(env.addrB(), 1), seen.get());
            assertTrue(calls.stream().anyMatch(c -> c.name().equals("sendMsg") && c.result() == 0 && c.bytes() == 3));
        }
    }
}
