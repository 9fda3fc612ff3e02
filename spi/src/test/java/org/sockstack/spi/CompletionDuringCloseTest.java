package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.host.HostProvider;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.Upcalls;
import org.sockstack.spi.provider.WspData;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An overlapped receive that completes while another thread closes the socket: the completion
 * must be delivered while the socket's handle still exists, or its completion-port packet is lost
 * (the process finds the port through the handle). The upcalls here stretch the delivery: they
 * tell when it starts and then give closesocket time to run before looking at the handle.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompletionDuringCloseTest {
    @Test
    void aCompletionIsDeliveredBeforeClosesocketReleasesTheHandle() throws Exception {
        TestNetworks.Env env = TestNetworks.host();
        Upcalls real = env.a().upcalls();
        Set<Long> open = ConcurrentHashMap.newKeySet();
        CountDownLatch delivering = new CountDownLatch(1);
        Boolean[] openAtDelivery = new Boolean[1];
        Upcalls upcalls = (Upcalls) Proxy.newProxyInstance(Upcalls.class.getClassLoader(),
                new Class<?>[] {Upcalls.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "createSocketHandle" -> {
                            Object h = m.invoke(real, args);
                            open.add((Long) h);
                            return h;
                        }
                        case "closeSocketHandle" -> open.remove((Long) args[0]);
                        case "completeOverlappedRequest" -> {
                            delivering.countDown();
                            Thread.sleep(300); // closesocket may run now (it must wait for us)
                            openAtDelivery[0] = open.contains((Long) args[0]);
                        }
                        default -> { }
                    }
                    return m.invoke(real, args);
                });
        TransportProvider provider = new HostProvider();
        ProtocolInfo udp = HostProvider.entries().stream()
                .filter(e -> e.socketType() == Wsa.SOCK_DGRAM && e.addressFamily() == Wsa.AF_INET).findFirst()
                .orElseThrow();
        assertEquals(0, provider.startup(Wsa.makeVersion(2, 2), new WspData(), udp, upcalls));
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IntRef e = new IntRef();
            long h = provider.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, udp, 0, Wsa.WSA_FLAG_OVERLAPPED, e);
            assertNotEquals(Wsa.INVALID_SOCKET, h, WsaError.name(e.value));
            assertEquals(0, provider.bind(h, SockAddr.inet(InetAddress.getLoopbackAddress(), 0), e));
            Ref<SockAddr> name = new Ref<>();
            assertEquals(0, provider.getSockName(h, name, e));
            Overlapped ov = new Overlapped();
            int r = provider.recv(h, new ByteBuffer[] {ByteBuffer.allocate(16)}, new IntRef(), new IntRef(), ov,
                    null, null, e);
            assertEquals(WsaError.WSA_IO_PENDING, r == 0 ? 0 : e.value);
            peer.send(new DatagramPacket(new byte[] {1}, 1, name.value.toInet()));
            assertTrue(delivering.await(5, TimeUnit.SECONDS), "the receive never completed");
            assertEquals(0, provider.closeSocket(h, e));
            assertTrue(ov.await(5000));
            assertEquals(Boolean.TRUE, openAtDelivery[0], "the completion came after the handle was released");
        } finally {
            provider.cleanup(new IntRef());
            env.close();
        }
    }
}
