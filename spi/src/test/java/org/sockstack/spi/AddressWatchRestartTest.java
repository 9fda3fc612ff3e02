package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.host.HostBackend;
import org.sockstack.spi.provider.BaseTransportProvider;
import org.sockstack.spi.provider.NetBackend;
import org.sockstack.spi.provider.NetSocket;
import org.sockstack.spi.provider.Overlapped;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIO_ADDRESS_LIST_CHANGE after WSACleanup and a new WSAStartup of the same provider: the
 * cleanup stopped the backend's address watcher, so the provider must start a new one.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AddressWatchRestartTest {
    static final UUID ID = UUID.fromString("5d0d1d5c-00ff-4a53-8b00-746573740001");

    /** Host sockets, with an address watcher the test drives; shutdown stops it, as the host's does. */
    static final class DrivenBackend implements NetBackend {
        final HostBackend host = new HostBackend();
        final List<Runnable> watchers = new CopyOnWriteArrayList<>();

        public String name() {
            return "driven";
        }

        public NetSocket open(int af, int type, int protocol, IntRef errno) {
            return host.open(af, type, protocol, errno);
        }

        public void shutdown() {
            watchers.clear();
            host.shutdown();
        }

        @Override
        public boolean watchAddresses(Runnable listener) {
            watchers.add(listener);
            return true;
        }

        void addressesChange() {
            watchers.forEach(Runnable::run);
        }
    }

    @Test
    void anAddressChangeIsSeenAfterCleanupAndANewStartup() throws InterruptedException {
        DrivenBackend backend = new DrivenBackend();
        TransportProvider provider = new BaseTransportProvider(ID, backend) { };
        List<ProtocolInfo> entries = ProtocolInfo.ipEntries(ID, "driven");
        // The factory hands out the same provider each time, so the second startup reuses it.
        TransportProviderFactory factory = new TransportProviderFactory() {
            public UUID providerId() {
                return ID;
            }

            public List<ProtocolInfo> protocolEntries() {
                return entries;
            }

            public TransportProvider create(ProviderLoader loader) {
                return provider;
            }
        };
        Catalog catalog = new Catalog();
        catalog.installProvider(ID, factory.getClass().getName(), entries);
        Ws2Process process = TestNetworks.started(catalog, new ProviderRegistry(false).register(factory));
        try {
            assertEquals(WsaError.WSA_IO_PENDING, postAddressListChange(process).error);
            assertEquals(0, process.cleanup());
            process = TestNetworks.started(catalog, new ProviderRegistry(false).register(factory));
            Posted second = postAddressListChange(process);
            assertEquals(WsaError.WSA_IO_PENDING, second.error);
            backend.addressesChange();
            assertTrue(second.ov.await(5000), "SIO_ADDRESS_LIST_CHANGE never completed after the restart");
            assertEquals(0, second.ov.status());
        } finally {
            while (process.startupCount() > 0) {
                process.cleanup();
            }
        }
    }

    record Posted(int error, Overlapped ov) { }

    private static Posted postAddressListChange(Ws2Process p) {
        Net s = Net.udp(p);
        Overlapped ov = new Overlapped();
        IntRef e = new IntRef();
        int r = s.provider().ioctl(s.handle, Wsa.SIO_ADDRESS_LIST_CHANGE, null, null, new IntRef(), ov, null, null, e);
        return new Posted(r == 0 ? 0 : e.value, ov);
    }
}
