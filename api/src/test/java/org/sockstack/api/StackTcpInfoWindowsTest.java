package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.stack.StackTcpInfo;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.TcpInfoV0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIO_TCP_INFO over the user-space stacks: the connection's own view. */
class StackTcpInfoWindowsTest extends TcpInfoBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.stacks();
    }

    @Test
    void theStackFillsItsTcpView() {
        long[] p = connectedPair();
        transfer(p[0], p[1]);
        TcpInfoV0 i = info(a, p[0]);
        assertTrue(i.timestampsEnabled(), "the stacks negotiate RFC 7323 timestamps");
        assertEquals(1448, i.mss(), "1500-octet channel: 1500 - 20 - 20, less the 12-octet timestamp option");
        assertTrue(i.cwnd() >= i.mss());
        assertTrue(i.sndWnd() > 0 && i.rcvWnd() > 0 && i.rcvBuf() > 0, i.toString());
        assertEquals(0, i.bytesRetrans(), "no loss on the channel pair");
        assertEquals(0, i.timeoutEpisodes());
        assertEquals(0, i.synRetrans());
        assertTrue(i.bytesInFlight() <= OCTETS);
    }

    @Test
    void theProvidersOwnCodeStillWorks() {
        long[] p = connectedPair();
        byte[] out = new byte[StackTcpInfo.LENGTH];
        assertEquals(0, a.WSAIoctl(p[0], StackTcpInfo.SIO_TCP_INFO, (byte[]) null, out, new IntRef(), null, null));
        assertEquals(4, StackTcpInfo.decode(out).state());
    }
}
