package org.sockstack.testbed.services;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.sockstack.stack.Stack;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.udp.UdpDatagram;
import org.sockstack.stack.udp.UdpSocket;
import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The classic "simple services" over UDP, written directly on the stack's event-driven sockets
 * (like inetd's internal services): echo (RFC 862, port 7), discard (RFC 863, port 9), daytime
 * (RFC 867, port 13) and character generator (RFC 864, port 19). Everything runs on the stack's
 * event loop: a READABLE event drains the socket's queue.
 */
public final class UdpServices implements AutoCloseable {
    public static final int ECHO = 7;
    public static final int DISCARD = 9;
    public static final int DAYTIME = 13;
    public static final int CHARGEN = 19;

    private final Stack stack;
    private final Supplier<ZonedDateTime> wallClock;
    private final List<UdpSocket> sockets = new ArrayList<>();
    private int chargenOffset;

    private UdpServices(Stack stack, Supplier<ZonedDateTime> wallClock) {
        this.stack = stack;
        this.wallClock = wallClock;
    }

    /**
     * Starts the named services ("echo", "discard", "daytime", "chargen"). Event loop thread.
     *
     * @throws IllegalArgumentException for an unknown name or a port already in use
     */
    public static UdpServices start(Stack stack, List<String> names, Supplier<ZonedDateTime> wallClock) {
        return start(stack, names, wallClock, false);
    }

    /** As above, on 0.0.0.0 and, if {@code ipv6}, on :: as well (separate port spaces). */
    public static UdpServices start(Stack stack, List<String> names, Supplier<ZonedDateTime> wallClock,
                                    boolean ipv6) {
        UdpServices s = new UdpServices(stack, wallClock);
        List<IpAddress> addresses = ipv6 ? List.of(Ipv4Address.ANY, Ipv6Address.UNSPECIFIED) : List.of(Ipv4Address.ANY);
        try {
            for (IpAddress any : addresses) {
                for (String name : names) {
                    switch (name) {
                        case "echo" -> s.open(any, ECHO, s::echo);
                        case "discard" -> s.open(any, DISCARD, (sock, d) -> { });
                        case "daytime" -> s.open(any, DAYTIME, s::daytime);
                        case "chargen" -> s.open(any, CHARGEN, s::chargen);
                        case "http" -> { } // TCP only
                        default -> throw new IllegalArgumentException("unknown UDP service: " + name);
                    }
                }
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @FunctionalInterface
    private interface Handler {
        void handle(UdpSocket socket, UdpDatagram datagram);
    }

    private void open(IpAddress any, int port, Handler handler) {
        UdpSocket socket = stack.udp().open();
        SocketError e = socket.bind(new Endpoint(any, port));
        if (e != SocketError.OK) {
            socket.close();
            throw new IllegalArgumentException("cannot bind UDP port " + port + ": " + e);
        }
        socket.setListener(events -> {
            if ((events & SocketEvents.READABLE) != 0) {
                drain(socket, handler);
            }
        });
        sockets.add(socket);
    }

    private void drain(UdpSocket socket, Handler handler) {
        UdpDatagram d;
        while ((d = socket.receive()) != null) {
            try {
                handler.handle(socket, d);
            } finally {
                d.data().release();
            }
        }
    }

    /** RFC 862: send back the data received. */
    private void echo(UdpSocket socket, UdpDatagram d) {
        socket.sendTo(d.data(), d.source(), now());
    }

    /** RFC 867: the date and time as text; the format is not specified, we use RFC 822's. */
    private void daytime(UdpSocket socket, UdpDatagram d) {
        String text = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(wallClock.get()) + "\r\n";
        socket.sendTo(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII)), d.source(), now());
    }

    /**
     * RFC 864: answer each datagram with a datagram of 0-512 characters; we send one full
     * 72-character line of the rotating printable pattern plus CR LF, the line advancing each time.
     */
    private void chargen(UdpSocket socket, UdpDatagram d) {
        ByteBuf line = Unpooled.buffer(74);
        for (int i = 0; i < 72; i++) {
            line.writeByte(' ' + 1 + (chargenOffset + i) % 94);
        }
        line.writeByte('\r').writeByte('\n');
        chargenOffset = (chargenOffset + 1) % 94;
        socket.sendTo(line, d.source(), now());
    }

    private long now() {
        return stack.loop().clock().nanos();
    }

    /** Closes the sockets. Event loop thread. */
    @Override
    public void close() {
        sockets.forEach(UdpSocket::close);
        sockets.clear();
    }
}
