package org.sockstack.testbed.services;

import org.sockstack.stack.Stack;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.ArrayList;
import java.util.List;

/** The TCP services of {@code sockstack serve}: echo (7), discard (9), chargen (19), http (80). */
public final class TcpServices implements AutoCloseable {
    private final List<TcpServer> servers = new ArrayList<>();

    /** Starts the named services on IPv4 only. Event loop thread. */
    public static TcpServices start(Stack stack, List<String> names) {
        return start(stack, names, false);
    }

    /** Starts the named services on 0.0.0.0 and, if {@code ipv6}, on :: as well. Event loop thread. */
    public static TcpServices start(Stack stack, List<String> names, boolean ipv6) {
        TcpServices s = new TcpServices();
        byte[] scratch = StreamSessions.newScratch();   // all sessions run on this stack's loop
        List<IpAddress> addresses = ipv6 ? List.of(Ipv4Address.ANY, Ipv6Address.UNSPECIFIED) : List.of(Ipv4Address.ANY);
        try {
            for (IpAddress any : addresses) {
                for (String name : names) {
                    switch (name) {
                        case "echo" -> s.servers.add(TcpServer.listen(stack, any, 7, 128, socket -> {
                            socket.setNoDelay(true); // an echo answers each small write at once (no Nagle)
                            return new StreamSessions.Echo(scratch);
                        }));
                        case "discard" -> s.servers.add(TcpServer.listen(stack, any, 9, 128,
                                x -> new StreamSessions.Discard(scratch)));
                        case "chargen" -> s.servers.add(TcpServer.listen(stack, any, 19, 128,
                                x -> new StreamSessions.Chargen(scratch)));
                        case "http" -> s.servers.add(HttpServer.start(stack, any, 80));
                        case "daytime" -> { } // UDP only
                        default -> throw new IllegalArgumentException("unknown TCP service: " + name);
                    }
                }
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @Override
    public void close() {
        servers.forEach(TcpServer::close);
        servers.clear();
    }
}
