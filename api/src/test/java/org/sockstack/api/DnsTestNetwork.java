package org.sockstack.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.spi.catalog.CatalogFile;
import org.sockstack.spi.namespace.HostsFileProvider;
import org.sockstack.spi.namespace.dns.DnsMessage;
import org.sockstack.spi.namespace.dns.DnsNamespaceProvider;
import org.sockstack.spi.namespace.dns.DnsResolver;
import org.sockstack.stack.Stack;
import org.sockstack.stack.StackConfig;
import org.sockstack.stack.device.ChannelDevice;
import org.sockstack.stack.loop.Clock;
import org.sockstack.stack.loop.EventLoop;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.MacAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The network the DNS name tests use: a fake DNS server on one user-space stack (192.0.2.1:53)
 * answering each query with {@code answer} (null: no answer), and the resolver's stack
 * (192.0.2.2) on a channel pair with it. A hosts file with {@code 192.0.2.50 local.dns.example}
 * comes first in the namespace catalog, DNS second.
 */
final class DnsTestNetwork implements AutoCloseable {
    static final Ipv4Address SERVER_IP = Ipv4Address.parse("192.0.2.1");

    /** The questions the server was asked, as {@code name/type}, in order. */
    final List<String> questions = Collections.synchronizedList(new ArrayList<>());
    /** The stack the DNS provider runs on (its loop is started). */
    final Stack resolverStack;
    private final Function<DnsMessage, byte[]> answer;
    private final EventLoop serverLoop;
    private final EventLoop clientLoop;
    private final ChannelDevice devS;
    private final ChannelDevice devC;
    private final UdpSocket server;

    /** {@code name} tells the loops apart; {@code seed} and {@code macOctet} keep runs distinct. */
    DnsTestNetwork(String name, long seed, int macOctet, Function<DnsMessage, byte[]> answer) {
        this.answer = answer;
        serverLoop = new EventLoop(name + "S", Clock.system());
        clientLoop = new EventLoop(name + "C", Clock.system());
        Stack s = new Stack(serverLoop, StackConfig.defaults(name + "S").withSeed(seed));
        resolverStack = new Stack(clientLoop, StackConfig.defaults(name + "C").withSeed(seed + 1));
        devS = new ChannelDevice("s0", new MacAddress(0x02_00_00_00_00_01L | (long) macOctet << 8), 1500);
        devC = new ChannelDevice("c0", new MacAddress(0x02_00_00_00_00_02L | (long) macOctet << 8), 1500);
        ChannelDevice.pair(devS, devC);
        s.addIpv4Address(s.addInterface(devS), SERVER_IP, 24);
        resolverStack.addIpv4Address(resolverStack.addInterface(devC), Ipv4Address.parse("192.0.2.2"), 24);
        server = s.udp().open();
        assertEquals(SocketError.OK, server.bind(new Endpoint(SERVER_IP, 53)));
        server.setListener(e -> serve());
        serverLoop.start();
        clientLoop.start();
    }

    /** Gives {@code ws} the namespace catalog: the hosts file (written into {@code dir}), then DNS. */
    void configure(Winsock ws, Path dir) throws IOException {
        DnsResolver resolver = new DnsResolver(resolverStack,
                DnsResolver.Config.defaults(new Endpoint(SERVER_IP, 53)).withTimeout(300_000_000L, 1));
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "192.0.2.50 local.dns.example\n");
        ws.setNamespaces(CatalogFile.defaultNamespaces(), java.util.Map.of(
                HostsFileProvider.PROVIDER_ID, new HostsFileProvider(hosts),
                DnsNamespaceProvider.PROVIDER_ID, new DnsNamespaceProvider(resolver)));
    }

    /** Server loop: one answer per query. */
    private void serve() {
        UdpDatagram d;
        while ((d = server.receive()) != null) {
            ByteBuf data = d.data();
            byte[] b = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), b);
            data.release();
            DnsMessage q = DnsMessage.parse(b, b.length).value();
            if (q == null) {
                continue;
            }
            questions.add(q.question().name() + "/" + q.question().type());
            byte[] reply = answer.apply(q);
            if (reply != null) {
                server.sendTo(Unpooled.wrappedBuffer(reply), d.source(), Clock.system().nanos());
            }
        }
    }

    @Override
    public void close() {
        serverLoop.submit(() -> {
            server.close();
            return null;
        }).join();
        clientLoop.close();
        serverLoop.close();
        devS.close();
        devC.close();
    }
}
