package org.sockstack.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.host.HostProvider;
import org.sockstack.spi.provider.ApcQueue;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.provider.Upcalls;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.provider.WspData;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ws2ProcessTest {

    /** Counts how often ws2_32 instantiates the provider (lazy loading). */
    static final class CountingFactory implements TransportProviderFactory {
        final AtomicInteger created = new AtomicInteger();
        HostProvider last;

        @Override
        public UUID providerId() {
            return HostProvider.PROVIDER_ID;
        }

        @Override
        public List<ProtocolInfo> protocolEntries() {
            return HostProvider.entries();
        }

        @Override
        public TransportProvider create(ProviderLoader loader) {
            created.incrementAndGet();
            last = new HostProvider();
            return last;
        }
    }

    static Catalog hostCatalog() {
        Catalog c = new Catalog();
        c.installProvider(HostProvider.PROVIDER_ID, HostProvider.Factory.class.getName(), HostProvider.entries());
        return c;
    }

    /** WSAStartup's version table (winsock2.md, "API behaviour worth testing"). */
    @ParameterizedTest(name = "WSAStartup({0}.{1}) -> {2}")
    @CsvSource({
        "0, 0, none", "0, 9, none", "1, 0, 1.0", "1, 1, 1.1", "1, 2, 1.1", "1, 255, 1.1", "2, 0, 2.0",
        "2, 1, 2.1", "2, 2, 2.2", "2, 3, 2.2", "3, 0, 2.2", "255, 255, 2.2",
    })
    void startupNegotiatesTheVersion(int major, int minor, String granted) {
        Ws2Process p = new Ws2Process(new Catalog(), new ProviderRegistry(false));
        WsaData d = new WsaData();
        int r = p.startup(Wsa.makeVersion(major, minor), d);
        if (granted.equals("none")) {
            assertEquals(WsaError.WSAVERNOTSUPPORTED, r);
            assertEquals(0, p.startupCount());
            assertEquals(WsaError.WSANOTINITIALISED, p.cleanup());
            return;
        }
        assertEquals(0, r);
        assertEquals(granted, Wsa.versionString(d.version));
        assertEquals("2.2", Wsa.versionString(d.highVersion));
        assertEquals("WinSock 2.0", d.description);
        assertEquals("Running", d.systemStatus);
        assertEquals(major == 1 ? 32767 : 0, d.maxSockets);
        assertEquals(major == 1 ? 65467 : 0, d.maxUdpDg);
        assertEquals(0, p.cleanup());
    }

    @Test
    void startupWithoutDataIsFault() {
        Ws2Process p = new Ws2Process(new Catalog(), new ProviderRegistry(false));
        assertEquals(WsaError.WSAEFAULT, p.startup(Wsa.makeVersion(2, 2), null));
        assertEquals(0, p.startupCount());
    }

    @Test
    void startupAndCleanupAreCounted() {
        Ws2Process p = new Ws2Process(hostCatalog(), new ProviderRegistry(false).register(new HostProvider.Factory()));
        IntRef e = new IntRef();
        assertEquals(Wsa.INVALID_SOCKET, p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e));
        assertEquals(WsaError.WSANOTINITIALISED, e.value);
        assertEquals(WsaError.WSANOTINITIALISED, p.cleanup());
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        p.startup(Wsa.makeVersion(1, 1), new WsaData());
        long s = p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        assertNotEquals(Wsa.INVALID_SOCKET, s);
        assertEquals(0, p.cleanup());
        assertEquals(1, p.startupCount());
        // One startup left: the socket still works.
        assertTrue(p.provider(s, e) != null);
        assertEquals(0, p.cleanup());
        assertEquals(WsaError.WSANOTINITIALISED, p.cleanup());
        assertNull(p.provider(s, e));
        assertEquals(WsaError.WSANOTINITIALISED, e.value);
        // Started again: the old handle was closed by the last cleanup.
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        assertNull(p.provider(s, e));
        assertEquals(WsaError.WSAENOTSOCK, e.value);
        p.cleanup();
    }

    @Test
    void providersAreLoadedLazilyOnceAndCleanedUpAtTheEnd() {
        CountingFactory f = new CountingFactory();
        Ws2Process p = new Ws2Process(hostCatalog(), new ProviderRegistry(false).register(f));
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        assertEquals(0, f.created.get());
        IntRef e = new IntRef();
        long s1 = p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        long s2 = p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        assertNotEquals(s1, s2);
        assertEquals(1, f.created.get());
        assertEquals(1, f.last.startupCount());
        assertSame(p.provider(s1, e), p.provider(s2, e));
        // A socket for another entry of the same provider: one more WSPStartup, same instance.
        long s3 = p.socket(Wsa.AF_INET6, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        assertNotEquals(Wsa.INVALID_SOCKET, s3);
        assertEquals(1, f.created.get());
        assertEquals(2, f.last.startupCount());
        p.cleanup();
        assertEquals(0, f.last.startupCount());
    }

    @Test
    void aProviderThatCannotStartFailsTheSocket() {
        Catalog c = new Catalog();
        c.installProvider(StackProvider.PROVIDER_ID, "x", StackProvider.entries());
        Ws2Process p = new Ws2Process(c, new ProviderRegistry(false).register(new StackProvider.Factory(null)));
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        IntRef e = new IntRef();
        assertEquals(Wsa.INVALID_SOCKET, p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e));
        assertEquals(WsaError.WSAEPROVIDERFAILEDINIT, e.value);
        p.cleanup();
    }

    @Test
    void aMissingProviderFailsTheSocket() {
        Ws2Process p = new Ws2Process(hostCatalog(), new ProviderRegistry(false));
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        IntRef e = new IntRef();
        assertEquals(Wsa.INVALID_SOCKET, p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e));
        assertEquals(WsaError.WSAEPROVIDERFAILEDINIT, e.value);
        p.cleanup();
    }

    @Test
    void selectionErrorsReachTheCaller() {
        Ws2Process p = new Ws2Process(hostCatalog(), new ProviderRegistry(false).register(new HostProvider.Factory()));
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        IntRef e = new IntRef();
        assertEquals(Wsa.INVALID_SOCKET, p.socket(Wsa.AF_UNSPEC, Wsa.SOCK_STREAM, 0, null, 0, 0, e));
        assertEquals(WsaError.WSAEINVAL, e.value);
        assertEquals(Wsa.INVALID_SOCKET, p.socket(Wsa.AF_INET, Wsa.SOCK_STREAM, Wsa.IPPROTO_UDP, null, 0, 0, e));
        assertEquals(WsaError.WSAEPROTONOSUPPORT, e.value);
        p.cleanup();
    }

    @Test
    void enumProtocolsNeedsStartupAndSeesTheCatalogOfStartupTime() {
        Catalog c = hostCatalog();
        Ws2Process p = new Ws2Process(c, new ProviderRegistry(false));
        IntRef e = new IntRef();
        assertNull(p.enumProtocols(null, e));
        assertEquals(WsaError.WSANOTINITIALISED, e.value);
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        c.deinstallProvider(HostProvider.PROVIDER_ID);
        assertEquals(4, p.enumProtocols(null, e).size());
        p.cleanup();
    }

    @Test
    void serviceLoaderFindsTheShippedProviders() {
        ProviderRegistry r = ProviderRegistry.withServiceLoader();
        assertTrue(r.all().containsKey(HostProvider.PROVIDER_ID));
        assertTrue(r.all().containsKey(StackProvider.PROVIDER_ID));
        Catalog c = new Catalog();
        r.installAll(c);
        assertEquals(12, c.allEntries().size());
        Ws2Process p = new Ws2Process(c, r);
        p.startup(Wsa.makeVersion(2, 2), new WsaData());
        IntRef e = new IntRef();
        // The host provider was installed first: it serves (AF_INET, SOCK_DGRAM, 0).
        long s = p.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, 0, null, 0, 0, e);
        assertNotEquals(Wsa.INVALID_SOCKET, s, WsaError.name(e.value));
        assertTrue(p.provider(s, e) instanceof HostProvider);
        p.cleanup();
    }

    @Test
    void openMakesAndThenReusesThePersistedCatalog(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        org.sockstack.spi.catalog.CatalogFile f = new org.sockstack.spi.catalog.CatalogFile(dir.resolve("cat"));
        Ws2Process first = Ws2Process.open(f, ProviderRegistry.withServiceLoader());
        assertTrue(f.exists());
        assertEquals(12, first.catalog().allEntries().size());
        Catalog edited = f.load();
        edited.deinstallProvider(StackProvider.PROVIDER_ID);
        f.save(edited);
        Ws2Process second = Ws2Process.open(f, ProviderRegistry.withServiceLoader());
        assertEquals(6, second.catalog().allEntries().size());
    }

    @Test
    void theProviderNegotiatesItsOwnVersionRange() {
        HostProvider h = new HostProvider();
        WspData d = new WspData();
        Upcalls up = new Ws2Process(new Catalog(), new ProviderRegistry(false)).upcalls();
        ProtocolInfo udp = HostProvider.entries().get(1);
        assertEquals(WsaError.WSAVERNOTSUPPORTED, h.startup(Wsa.makeVersion(1, 1), d, udp, up));
        assertEquals(0, h.startup(Wsa.makeVersion(2, 0), d, udp, up));
        assertEquals("2.0", Wsa.versionString(d.version));
        assertEquals(0, h.startup(Wsa.makeVersion(3, 1), d, udp, up));
        assertEquals("2.2", Wsa.versionString(d.version));
        assertEquals("2.2", Wsa.versionString(d.highVersion));
        assertEquals(2, h.startupCount());
        IntRef e = new IntRef();
        assertEquals(0, h.cleanup(e));
        assertEquals(0, h.cleanup(e));
        assertEquals(Wsa.SOCKET_ERROR, h.cleanup(e));
        assertEquals(WsaError.WSANOTINITIALISED, e.value);
        assertEquals(Wsa.SOCKET_ERROR, h.cancelBlockingCall(e));
        assertEquals(WsaError.WSAEOPNOTSUPP, e.value);
    }

    @Test
    void theUpcallTableKeepsHandlesEventsAndApcs() throws InterruptedException {
        Ws2Process p = new Ws2Process(new Catalog(), new ProviderRegistry(false));
        Upcalls up = p.upcalls();
        IntRef e = new IntRef();
        Object ctx = new Object();
        long h = up.createSocketHandle(1001, ctx, e);
        assertSame(ctx, up.querySocketHandleContext(h, e));
        assertEquals(0, up.closeSocketHandle(h, e));
        assertNull(up.querySocketHandleContext(h, e));
        assertEquals(WsaError.WSAENOTSOCK, e.value);
        assertEquals(Wsa.SOCKET_ERROR, up.closeSocketHandle(h, e));
        WsaEvent ev = up.createEvent(e);
        assertTrue(up.setEvent(ev, e));
        assertTrue(ev.isSet());
        assertTrue(up.resetEvent(ev, e));
        assertFalse(ev.isSet());
        assertFalse(up.setEvent(null, e));
        assertEquals(WsaError.WSA_INVALID_HANDLE, e.value);
        int[] ran = new int[1];
        up.queueApc(Thread.currentThread(), () -> ran[0]++, e);
        assertEquals(0, ran[0]);
        assertEquals(1, ApcQueue.alertableWait(0));
        assertEquals(1, ran[0]);
        assertEquals(0, ApcQueue.alertableWait(10));
        assertTrue(up.fdIsSet(5, FdSet.of(5)));
        assertFalse(up.fdIsSet(6, FdSet.of(5)));
        assertSame(Thread.currentThread(), up.openCurrentThread(e));
        assertNull(up.queryBlockingCallback(1001, e));
    }
}
