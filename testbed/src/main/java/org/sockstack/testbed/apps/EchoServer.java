package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.sockstack.spi.wsa.Wsa.INVALID_SOCKET;
import static org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;

/**
 * The echo service of RFC 862 written as a Winsock program: TCP (every octet received is sent
 * back, one thread per connection) or UDP (every datagram is sent back to its sender). It runs
 * unchanged over the host provider or the user-space stack: only the {@link Winsock} it is given
 * differs.
 *
 * <pre>
 *   WSAStartup -> socket -> bind -> listen -> accept -> recv/send ... -> closesocket -> WSACleanup
 * </pre>
 */
public final class EchoServer implements AutoCloseable {
    private final Winsock ws;
    private final long listenSocket;
    private final int port;
    private final Thread thread;

    private EchoServer(Winsock ws, long listenSocket, int port, boolean udp) {
        this.ws = ws;
        this.listenSocket = listenSocket;
        this.port = port;
        this.thread = Thread.ofVirtual().name("echo-server").start(udp ? this::serveUdp : this::serveTcp);
    }

    /**
     * WSAStartup, then a socket bound to {@code address:port} (port 0: any free port) and, for
     * TCP, listening. The service runs on its own thread until {@link #close()}.
     */
    public static EchoServer start(Winsock ws, boolean udp, InetAddress address, int port) {
        int err = ws.WSAStartup(Wsa.makeVersion(2, 2), new WsaData());
        if (err != 0) {
            throw new IllegalStateException("WSAStartup failed: " + WsaError.name(err));
        }
        int af = address.getAddress().length == 4 ? Wsa.AF_INET : Wsa.AF_INET6;
        long s = udp ? ws.socket(af, Wsa.SOCK_DGRAM, Wsa.IPPROTO_UDP) : ws.socket(af, Wsa.SOCK_STREAM, Wsa.IPPROTO_TCP);
        if (s == INVALID_SOCKET
                || ws.bind(s, SockAddr.inet(address, port)) == SOCKET_ERROR
                || !udp && ws.listen(s, 128) == SOCKET_ERROR) {
            String why = WsaError.name(ws.WSAGetLastError());
            ws.WSACleanup();
            throw new IllegalStateException("echo server on port " + port + ": " + why);
        }
        Ref<SockAddr> local = new Ref<>();
        ws.getsockname(s, local);
        return new EchoServer(ws, s, local.value.toInet().getPort(), udp);
    }

    /** The port the service listens on. */
    public int port() {
        return port;
    }

    private void serveTcp() {
        while (true) {
            long client = ws.accept(listenSocket, null);
            if (client == INVALID_SOCKET) {
                return; // the listening socket was closed (WSAEINTR, WSAENOTSOCK): the service ends
            }
            Thread.ofVirtual().name("echo-connection").start(() -> echoStream(client));
        }
    }

    /** Sends back what arrives until the client closes its direction, then closes. */
    private void echoStream(long s) {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = ws.recv(s, buf, buf.length, 0)) > 0) {
            if (ws.send(s, buf, n, 0) == SOCKET_ERROR) { // a blocking send sends all n octets
                break;
            }
        }
        ws.closesocket(s);
    }

    private void serveUdp() {
        byte[] buf = new byte[65_535];
        Ref<SockAddr> from = new Ref<>();
        while (true) {
            int n = ws.recvfrom(listenSocket, buf, buf.length, 0, from);
            if (n == SOCKET_ERROR) {
                if (ws.WSAGetLastError() == WsaError.WSAECONNRESET) {
                    continue; // an ICMP port unreachable for an earlier reply: not ours to end on
                }
                return;
            }
            ws.sendto(listenSocket, buf, n, 0, from.value);
        }
    }

    /** closesocket on the listening socket (which ends the service), then WSACleanup. */
    @Override
    public void close() {
        ws.closesocket(listenSocket);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.WSACleanup();
    }

    /** The address to reach the service at {@code host}. */
    public InetSocketAddress at(InetAddress host) {
        return new InetSocketAddress(host, port);
    }
}
