package org.sockstack.api.nio;

import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.ServiceConfigurationError;
import java.util.function.Supplier;

/**
 * Java NIO over a {@link Winsock} process: the channels and selectors this provider opens make
 * Winsock calls, so NIO code runs unchanged over whichever Winsock provider the process's catalog
 * picks (the user-space stack or the host stack).
 *
 * <p>Two ways in:
 * <ul>
 *   <li>Directly: {@code SelectorProvider p = new WinsockSelectorProvider(winsock);} then
 *       {@code p.openSocketChannel()}, {@code p.openSelector()}, ...</li>
 *   <li>By configuration, for code that calls {@code SocketChannel.open()} and friends:
 *       {@code -Djava.nio.channels.spi.SelectorProvider=org.sockstack.api.nio.WinsockSelectorProvider}.
 *       The JDK then calls the no-arg constructor, which takes its process from the system
 *       property {@value #WINSOCK_PROPERTY} (the name of a class with a public no-arg constructor
 *       implementing {@code Supplier<Winsock>}) or, without it, {@link Winsock#getDefault()}.
 *       The host provider is itself built on JDK NIO, so under this property it would meet this
 *       provider again: opening a channel then fails with an IOException that says so. Use the
 *       property with the user-space stack, and a provider made directly for the host stack.</li>
 * </ul>
 *
 * <p>The provider calls WSAStartup once when it is made (and never WSACleanup: it lives as long as
 * the program). Channels are IPv4 unless opened with {@code StandardProtocolFamily.INET6}; UNIX
 * domain sockets are not offered. Not offered either (UnsupportedOperationException): the
 * {@code socket()} adaptors (java.net.Socket, ServerSocket, DatagramSocket views of a channel),
 * multicast membership ({@code DatagramChannel.join}), and options beyond SO_RCVBUF, SO_SNDBUF,
 * SO_REUSEADDR, SO_KEEPALIVE, SO_LINGER, SO_BROADCAST, TCP_NODELAY, IP_TOS, IP_MULTICAST_TTL and
 * IP_MULTICAST_LOOP. Pipes are TCP connections over 127.0.0.1 and need a provider with a
 * loopback interface.
 */
public class WinsockSelectorProvider extends SelectorProvider {
    /** System property naming a {@code Supplier<Winsock>} class for the no-arg constructor. */
    public static final String WINSOCK_PROPERTY = "org.sockstack.api.nio.winsock";

    private final Winsock winsock;

    /** The provider the JDK makes from {@code java.nio.channels.spi.SelectorProvider}: see the class comment. */
    public WinsockSelectorProvider() {
        this(configuredWinsock());
    }

    /** A provider over {@code winsock}; WSAStartup(2.2) is called on it now. */
    public WinsockSelectorProvider(Winsock winsock) {
        this.winsock = java.util.Objects.requireNonNull(winsock);
        int e = winsock.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        if (e != 0) {
            throw new IllegalStateException("WSAStartup failed: " + WsaError.name(e));
        }
    }

    /** The process of {@value #WINSOCK_PROPERTY}, else {@link Winsock#getDefault()}. */
    static Winsock configuredWinsock() {
        String name = System.getProperty(WINSOCK_PROPERTY);
        if (name == null || name.isBlank()) {
            return Winsock.getDefault();
        }
        try {
            Class<?> c = Class.forName(name.trim(), true, loader());
            Object supplier = c.getConstructor().newInstance();
            if (!(supplier instanceof Supplier<?> s) || !(s.get() instanceof Winsock ws)) {
                throw new ServiceConfigurationError(name + " is not a Supplier<Winsock>");
            }
            return ws;
        } catch (ReflectiveOperationException e) {
            throw new ServiceConfigurationError("cannot make " + name + " (" + WINSOCK_PROPERTY + ")", e);
        }
    }

    private static ClassLoader loader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }

    /** The Winsock process the channels use. */
    public Winsock winsock() {
        return winsock;
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return new WsDatagramChannel(this, null);
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return new WsDatagramChannel(this, java.util.Objects.requireNonNull(family));
    }

    @Override
    public Pipe openPipe() throws IOException {
        return new WsPipe(this);
    }

    @Override
    public AbstractSelector openSelector() {
        return new WsSelector(this);
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new WsServerSocketChannel(this, null);
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        return new WsServerSocketChannel(this, java.util.Objects.requireNonNull(family));
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return new WsSocketChannel(this, null);
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        return new WsSocketChannel(this, java.util.Objects.requireNonNull(family));
    }

    @Override
    public String toString() {
        return "WinsockSelectorProvider[" + winsock.process() + "]";
    }
}
