package org.sockstack.testbed.services;

import org.sockstack.stack.Stack;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.tcp.TcpSocket;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;

import java.util.function.Function;

/**
 * A listening TCP socket on the stack that hands each accepted connection to a new
 * {@link Session}. Everything is event-driven on the stack's event loop thread.
 */
public final class TcpServer implements AutoCloseable {

    /** One connection's handler. Its methods run on the event loop. */
    public abstract static class Session {
        protected TcpSocket socket;
        protected Stack stack;

        /** Readiness changed; {@code events} is a {@link SocketEvents} set (also called once at start). */
        protected abstract void onEvents(int events);

        protected long now() {
            return stack.loop().clock().nanos();
        }

        /** Closes the connection gracefully (FIN after queued data). */
        protected void close() {
            socket.close(now());
        }

        /**
         * The connection is over (closed by either side, reset, or the server stopping): free
         * what the session holds. Called exactly once.
         */
        protected void released() {
        }
    }

    private final Stack stack;
    private final TcpSocket listener;
    private final Function<TcpSocket, Session> factory;
    private final java.util.Map<TcpSocket, Session> open = new java.util.HashMap<>();

    private TcpServer(Stack stack, TcpSocket listener, Function<TcpSocket, Session> factory) {
        this.stack = stack;
        this.listener = listener;
        this.factory = factory;
    }

    /**
     * Listens on {@code port} (all addresses). Event loop thread.
     *
     * @throws IllegalArgumentException if the port cannot be bound
     */
    public static TcpServer listen(Stack stack, int port, int backlog, Function<TcpSocket, Session> factory) {
        return listen(stack, Ipv4Address.ANY, port, backlog, factory);
    }

    /**
     * Listens on {@code port} of {@code address} (0.0.0.0 or :: for all addresses of that
     * family: IPv4 and IPv6 have separate port spaces). Event loop thread.
     */
    public static TcpServer listen(Stack stack, IpAddress address, int port, int backlog,
                                   Function<TcpSocket, Session> factory) {
        TcpSocket s = stack.tcp().open();
        s.setReuseAddress(true);
        SocketError e = s.bind(new Endpoint(address, port));
        if (e == SocketError.OK) {
            e = s.listen(backlog);
        }
        if (e != SocketError.OK) {
            s.close(stack.loop().clock().nanos());
            throw new IllegalArgumentException("cannot listen on TCP port " + port + ": " + e);
        }
        TcpServer server = new TcpServer(stack, s, factory);
        s.setListener(events -> server.acceptAll());
        return server;
    }

    private void acceptAll() {
        TcpSocket child;
        while ((child = listener.accept()) != null) {
            Session session = factory.apply(child);
            session.socket = child;
            session.stack = stack;
            TcpSocket c = child;
            open.put(c, session);
            child.setListener(events -> {
                session.onEvents(events);
                endIfClosed(c);
            });
            session.onEvents(child.readiness());
            endIfClosed(c);
        }
    }

    public int port() {
        return listener.localEndpoint().port();
    }

    private void endIfClosed(TcpSocket c) {
        if (c.isClosed()) {
            Session s = open.remove(c);
            if (s != null) {
                s.released();
            }
        }
    }

    /** Open connections (accepted and not yet closed by the session). */
    public int connections() {
        return open.size();
    }

    /** Stops listening and aborts open connections. Event loop thread. */
    @Override
    public void close() {
        long now = stack.loop().clock().nanos();
        listener.close(now);
        for (var e : open.entrySet()) {
            if (!e.getKey().isClosed()) {
                e.getKey().abort(now);
            }
            e.getValue().released();
        }
        open.clear();
    }
}
