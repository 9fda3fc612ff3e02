package org.sockstack.api;

import org.sockstack.spi.wsa.IntRef;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.WinsockBehaviour.port;
import static org.sockstack.api.WinsockBehaviour.setInt;
import static org.sockstack.api.WinsockBehaviour.sin;
import static org.sockstack.api.WinsockBehaviour.socketOk;
import static org.sockstack.spi.wsa.Wsa.*;
import static org.sockstack.spi.wsa.WsaError.*;

/** Options, control codes and multipoint over the two user-space stacks. */
class StackOptionsTest extends OptionsBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }
    /**
     * Only the stack's TCP tells when the peer acknowledged everything: a lingering close whose
     * data the peer does not take waits the linger time, then resets the connection.
     */
    @org.junit.jupiter.api.Test
    void lingerWithTimeResetsWhenThePeerDoesNotTakeTheData() {
        long l = socketOk(b, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        setInt(b, l, SOL_SOCKET, SO_RCVBUF, 4096);
        assertEquals(0, b.bind(l, sin(world.addrB(), 0)));
        assertEquals(0, b.listen(l, 1));
        long c = socketOk(a, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assertEquals(0, a.connect(c, sin(world.addrB(), port(b, l))));
        long s = b.accept(l, null);
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(1)));
        byte[] chunk = new byte[8192];
        while (a.send(c, chunk, chunk.length, 0) != SOCKET_ERROR) {
            // fill the send buffer and the peer's window
        }
        assertEquals(WSAEWOULDBLOCK, a.WSAGetLastError());
        assertEquals(0, a.ioctlsocket(c, FIONBIO, new IntRef(0)));
        setInt(a, c, SOL_SOCKET, SO_LINGER, linger(1, 1));
        long start = System.nanoTime();
        assertEquals(0, a.closesocket(c));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 900, () -> "closesocket returned after " + ms + " ms");
        setInt(b, s, SOL_SOCKET, SO_RCVTIMEO, WAIT_MS);
        assertEquals(-WSAECONNRESET, readAll(b, s));
    }
}
