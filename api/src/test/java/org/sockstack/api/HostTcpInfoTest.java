package org.sockstack.api;

import org.junit.jupiter.api.Test;
import org.sockstack.spi.wsa.TcpInfoV0;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SIO_TCP_INFO over the host provider: only the state, the age and the octet counts are known. */
class HostTcpInfoTest extends TcpInfoBehaviour {
    @Override
    Worlds.World newWorld() {
        return Worlds.host();
    }

    @Test
    void whatTheJdkCannotShowIsZero() {
        long[] p = connectedPair();
        TcpInfoV0 i = info(a, p[0]);
        assertEquals(0, i.mss());
        assertEquals(0, i.cwnd());
        assertEquals(0, i.rttUs());
    }
}
