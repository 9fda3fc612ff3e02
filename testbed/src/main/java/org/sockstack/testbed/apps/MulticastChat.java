package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * A chat over IP multicast, written as a Winsock program. Every member binds the chat's port
 * (with SO_REUSEADDR, so several members can share one host), joins the group with
 * IP_ADD_MEMBERSHIP on its interface, and sends its lines to the group as {@code nick: text}.
 * A receiving thread prints what the others say, with the sender's address:
 * {@code [192.0.2.1:5000] alice: hello}. IP_MULTICAST_LOOP stays on so that members on the same
 * host hear each other; a member skips its own lines by their nick.
 *
 * <pre>
 *   MulticastChat chat = MulticastChat.join(ws, group, 5000, myAddress, "alice", System.out);
 *   chat.say("hello");
 *   chat.close();
 * </pre>
 */
public final class MulticastChat implements AutoCloseable {
    private final Winsock ws;
    private final long s;
    private final SockAddr group;
    private final byte[] mreq;
    private final String nick;
    private final PrintStream out;
    private final Thread receiver;

    private MulticastChat(Winsock ws, long s, SockAddr group, byte[] mreq, String nick, PrintStream out) {
        this.ws = ws;
        this.s = s;
        this.group = group;
        this.mreq = mreq;
        this.nick = nick;
        this.out = out;
        this.receiver = Thread.ofPlatform().daemon().name("chat-" + nick).start(this::receiveLoop);
    }

    /**
     * Joins {@code group} (an IPv4 multicast address) at {@code port} on the interface with
     * address {@code iface}; null (and a message on {@code out}) if a call fails.
     */
    public static MulticastChat join(Winsock ws, InetAddress group, int port, InetAddress iface, String nick,
                                     PrintStream out) {
        if (ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData()) != 0) {
            out.println("WSAStartup failed");
            return null;
        }
        long s = ws.socket(Wsa.AF_INET, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP);
        // struct ip_mreq { imr_multiaddr; imr_interface; }, both in network order.
        byte[] mreq = new byte[8];
        System.arraycopy(group.getAddress(), 0, mreq, 0, 4);
        System.arraycopy(iface.getAddress(), 0, mreq, 4, 4);
        String failed = s == INVALID_SOCKET ? "socket"
                : ws.setsockopt(s, Wsa.SOL_SOCKET, Wsa.SO_REUSEADDR, new byte[] {1, 0, 0, 0}, 4) != 0 ? "SO_REUSEADDR"
                : ws.bind(s, SockAddr.inet(new InetSocketAddress(port))) != 0 ? "bind"
                : ws.setsockopt(s, Wsa.IPPROTO_IP, Wsa.IP_ADD_MEMBERSHIP, mreq, 8) != 0 ? "IP_ADD_MEMBERSHIP"
                : ws.setsockopt(s, Wsa.IPPROTO_IP, Wsa.IP_MULTICAST_IF, iface.getAddress(), 4) != 0 ? "IP_MULTICAST_IF"
                : null;
        if (failed != null) {
            out.println(failed + " failed: " + WsaError.name(ws.WSAGetLastError()));
            if (s != INVALID_SOCKET) {
                ws.closesocket(s);
            }
            ws.WSACleanup();
            return null;
        }
        return new MulticastChat(ws, s, SockAddr.inet(group, port), mreq, nick, out);
    }

    /** Sends one line to the group; false if sendto failed. */
    public boolean say(String text) {
        byte[] line = (nick + ": " + text).getBytes(StandardCharsets.UTF_8);
        return ws.sendto(s, line, line.length, 0, group) != SOCKET_ERROR;
    }

    /** Prints every line of the others until the socket is closed. */
    private void receiveLoop() {
        byte[] buf = new byte[1500];
        Ref<SockAddr> from = new Ref<>();
        while (true) {
            int n = ws.recvfrom(s, buf, buf.length, 0, from);
            if (n == SOCKET_ERROR) {
                return; // closesocket (WSAENOTSOCK, WSAEINTR): the chat is over
            }
            String line = new String(buf, 0, n, StandardCharsets.UTF_8);
            if (!line.startsWith(nick + ": ")) {
                InetSocketAddress sender = from.value.toInet();
                out.println("[" + sender.getAddress().getHostAddress() + ":" + sender.getPort() + "] " + line);
            }
        }
    }

    /** Leaves the group (IP_DROP_MEMBERSHIP), closes the socket and signs off. */
    @Override
    public void close() {
        ws.setsockopt(s, Wsa.IPPROTO_IP, Wsa.IP_DROP_MEMBERSHIP, mreq, 8);
        ws.closesocket(s);
        try {
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.WSACleanup();
    }

    /** Console use: every line read from {@code in} goes to the group until end of input. */
    public static void run(Winsock ws, InetAddress group, int port, InetAddress iface, String nick,
                           BufferedReader in, PrintStream out) throws IOException {
        try (MulticastChat chat = join(ws, group, port, iface, nick, out)) {
            if (chat == null) {
                return;
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!chat.say(line)) {
                    out.println("sendto failed: " + WsaError.name(ws.WSAGetLastError()));
                }
            }
        }
    }
}
