package org.sockstack.testbed.services;

import org.sockstack.stack.Stack;

import java.util.ArrayList;
import java.util.List;

/** The TCP services of {@code sockstack serve}: echo (7), discard (9), chargen (19), http (80). */
public final class TcpServices implements AutoCloseable {
    private final List<TcpServer> servers = new ArrayList<>();

    /** Starts the named services. Event loop thread. */
    public static TcpServices start(Stack stack, List<String> names) {
        TcpServices s = new TcpServices();
        try {
            for (String name : names) {
                switch (name) {
                    case "echo" -> s.servers.add(TcpServer.listen(stack, 7, 128, socket -> {
                        socket.setNoDelay(true); // an echo answers each small write at once (no Nagle delay)
                        return new StreamSessions.Echo();
                    }));
                    case "discard" -> s.servers.add(TcpServer.listen(stack, 9, 128, x -> new StreamSessions.Discard()));
                    case "chargen" -> s.servers.add(TcpServer.listen(stack, 19, 128, x -> new StreamSessions.Chargen()));
                    case "http" -> s.servers.add(HttpServer.start(stack, 80));
                    case "daytime" -> { } // UDP only
                    default -> throw new IllegalArgumentException("unknown TCP service: " + name);
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
