package org.sockstack.drivers.posix;

import org.junit.jupiter.api.Test;
import org.sockstack.drivers.posix.Netns.NetnsException;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Entering a network namespace: the failures need no root; the round trip is checked in the lab. */
class NetnsTest {

    @Test
    void aMissingNamespaceIsReportedByName() {
        Path missing = Netns.named("sockstack-no-such-namespace");
        NetnsException e = assertThrows(NetnsException.class, () -> Netns.callIn(missing, () -> "never"));
        assertEquals(LibC.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("sockstack-no-such-namespace"), e.getMessage());
        assertTrue(e.getMessage().contains("ip netns list"), e.getMessage());
    }

    @Test
    void aVirtualThreadIsRefused() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                Netns.callIn(Path.of("/proc/thread-self/ns/net"), () -> "never");
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        assertTrue(thrown.get() instanceof NetnsException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("virtual thread"), thrown.get().getMessage());
    }

    @Test
    void theThreadIsBackInItsNamespaceAfterTheCallWhetherOrNotItWasAllowed() {
        String before = Netns.currentNamespaceId();
        // Entering our own namespace: allowed for root (CAP_SYS_ADMIN), EPERM otherwise.
        Path own = Path.of("/proc/thread-self/ns/net");
        try {
            String inside = Netns.callIn(own, Netns::currentNamespaceId);
            assertEquals(before, inside);
        } catch (NetnsException e) {
            assertEquals(LibC.EPERM, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("needs root"), e.getMessage());
        }
        assertEquals(before, Netns.currentNamespaceId());
        assertTrue(before.startsWith("net:["), before);
    }
}
