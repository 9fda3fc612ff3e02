package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * An echo (RFC 862) client written as a Winsock program: sends each line, reads the echo and
 * prints both ({@code > line}, {@code < echo}). Over TCP the echo may come back in pieces, so it
 * reads until the whole line is back; over UDP a lost datagram is sent again (up to 3 tries, 1 s
 * each, with SO_RCVTIMEO).
 */
public final class EchoClient {
    private static final int TRIES = 3;

    private EchoClient() {
    }

    /** Echoes {@code lines} through the server; true if every line came back unchanged. */
    public static boolean run(Winsock ws, boolean udp, InetSocketAddress server, List<String> lines, PrintStream out) {
        if (ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData()) != 0) {
            out.println("WSAStartup failed");
            return false;
        }
        int af = server.getAddress().getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
        long s = udp ? ws.socket(af, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP) : ws.socket(af, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        boolean ok = s != INVALID_SOCKET && ws.connect(s, SockAddr.inet(server)) != SOCKET_ERROR;
        if (!ok) {
            out.println("connect failed: " + WsaError.name(ws.WSAGetLastError()));
        }
        for (int i = 0; ok && i < lines.size(); i++) {
            byte[] line = lines.get(i).getBytes(StandardCharsets.UTF_8);
            out.println("> " + lines.get(i));
            byte[] echo = udp ? echoDatagram(ws, s, line) : echoStream(ws, s, line);
            if (echo == null) {
                out.println("echo failed: " + WsaError.name(ws.WSAGetLastError()));
                ok = false;
            } else {
                out.println("< " + new String(echo, StandardCharsets.UTF_8));
                ok = java.util.Arrays.equals(line, echo);
            }
        }
        if (s != INVALID_SOCKET) {
            ws.closesocket(s);
        }
        ws.WSACleanup();
        return ok;
    }

    /** send the line, then recv until as many octets came back (or the stream ended). */
    private static byte[] echoStream(Winsock ws, long s, byte[] line) {
        if (ws.send(s, line, line.length, 0) == SOCKET_ERROR) {
            return null;
        }
        byte[] echo = new byte[line.length];
        java.nio.ByteBuffer into = java.nio.ByteBuffer.wrap(echo);
        while (into.hasRemaining()) {
            int n = ws.recv(s, into, 0);
            if (n <= 0) {
                return null;
            }
        }
        return echo;
    }

    /** send on a connected UDP socket; recv with a 1 s SO_RCVTIMEO, sending again if nothing came. */
    private static byte[] echoDatagram(Winsock ws, long s, byte[] line) {
        byte[] timeout = {(byte) 0xE8, 0x03, 0, 0}; // 1000 ms, little-endian DWORD
        ws.setsockopt(s, Wsa.SOL_SOCKET, Wsa.SO_RCVTIMEO, timeout, 4);
        byte[] buf = new byte[65_535];
        for (int attempt = 0; attempt < TRIES; attempt++) {
            if (ws.send(s, line, line.length, 0) == SOCKET_ERROR) {
                return null;
            }
            int n = ws.recvfrom(s, buf, buf.length, 0, new Ref<>());
            if (n >= 0) {
                return java.util.Arrays.copyOf(buf, n);
            }
            if (ws.WSAGetLastError() != WsaError.WSAETIMEDOUT) {
                return null;
            }
        }
        return null;
    }
}
