package org.sockstack.api;

import org.sockstack.api.nio.WinsockSelectorProvider;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;

/**
 * Run by {@link NioConfigurationTest} in a JVM started with
 * {@code -Djava.nio.channels.spi.SelectorProvider=...WinsockSelectorProvider}: the client is plain
 * JDK code ({@code SocketChannel.open}), the server is process B of the stack world. Prints the
 * provider's class, the channel's class, the client's local address and the bytes that crossed.
 * With the argument {@code host} it only opens a channel (process over the host provider).
 */
public final class NioPropertyMain {
    private NioPropertyMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("host")) {
            try (SocketChannel c = SocketChannel.open()) {
                System.out.println("opened " + c);
            } catch (Exception e) {
                System.out.println(e);
            }
            System.exit(0);
        }
        Worlds.World world = StackWinsockSupplier.world();
        SelectorProvider serverSide = new WinsockSelectorProvider(world.b());
        try (ServerSocketChannel server = serverSide.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(world.addrB(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(5);
                while (in.hasRemaining() && accepted.read(in) >= 0) {
                    continue;
                }
                System.out.println(SelectorProvider.provider().getClass().getName() + " "
                        + client.getClass().getName() + " "
                        + ((InetSocketAddress) client.getLocalAddress()).getAddress() + " "
                        + new String(in.array(), StandardCharsets.US_ASCII));
            }
        }
        world.close();
        System.exit(0);
    }
}
