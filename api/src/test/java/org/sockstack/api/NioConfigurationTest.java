package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sockstack.api.nio.WinsockSelectorProvider;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Choosing {@link WinsockSelectorProvider} by configuration only. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NioConfigurationTest {

    /**
     * The JDK's own property: SocketChannel.open() in an unchanged program goes through Winsock,
     * here a process over the user-space stack (the host provider is itself built on JDK NIO).
     */
    @Test
    void jdkPropertySelectsTheProvider() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.nio.channels.spi.SelectorProvider=" + WinsockSelectorProvider.class.getName(),
                "-D" + WinsockSelectorProvider.WINSOCK_PROPERTY + "=" + StackWinsockSupplier.class.getName(),
                NioPropertyMain.class.getName())).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(45, TimeUnit.SECONDS), "the child JVM finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains(WinsockSelectorProvider.class.getName()
                    + " org.sockstack.api.nio.WsSocketChannel /192.0.2.1 hello"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Under the property the host provider would open its JDK channels through Winsock again: it fails, it does not hang. */
    @Test
    void hostProviderUnderTheJdkPropertyFailsClearly() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.nio.channels.spi.SelectorProvider=" + WinsockSelectorProvider.class.getName(),
                "-D" + WinsockSelectorProvider.WINSOCK_PROPERTY + "=" + HostWinsockSupplier.class.getName(),
                NioPropertyMain.class.getName(), "host")).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(45, TimeUnit.SECONDS), "the child JVM finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("the Winsock provider is itself built on JDK NIO"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void noArgConstructorTakesTheProcessFromItsProperty() throws Exception {
        String old = System.getProperty(WinsockSelectorProvider.WINSOCK_PROPERTY);
        try {
            System.setProperty(WinsockSelectorProvider.WINSOCK_PROPERTY, HostWinsockSupplier.class.getName());
            WinsockSelectorProvider p = new WinsockSelectorProvider();
            assertEquals(1, p.winsock().process().startupCount(), "the provider started its process");
            Worlds.cleanupAll(p.winsock());
            System.setProperty(WinsockSelectorProvider.WINSOCK_PROPERTY, "org.sockstack.NoSuchSupplier");
            assertThrows(ServiceConfigurationError.class, WinsockSelectorProvider::new);
            System.setProperty(WinsockSelectorProvider.WINSOCK_PROPERTY, String.class.getName());
            assertThrows(ServiceConfigurationError.class, WinsockSelectorProvider::new);
        } finally {
            if (old == null) {
                System.clearProperty(WinsockSelectorProvider.WINSOCK_PROPERTY);
            } else {
                System.setProperty(WinsockSelectorProvider.WINSOCK_PROPERTY, old);
            }
        }
    }
}
