package org.sockstack.testbed.services;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The warm-up's workload completes against the real services: every exchange of a round is
 * carried out and answered, and the services keep no connection once their clients closed (the
 * warm-up checks that after each round and throws otherwise; it caught echo connections left in
 * TIME_WAIT when a handler closed while the FIN was still being processed).
 */
class JitWarmUpTest {

    @Test
    void everyExchangeOfTwoRoundsIsCarriedOut() {
        JitWarmUp.Result r = JitWarmUp.run(2);
        assertEquals(2, r.rounds());
        assertEquals(2 * 200, r.connections());
        assertEquals(2 * 500, r.transactions());
        assertEquals(2 * 2 * 256 * 1024, r.bulkBytes(), "256 KiB to discard and 256 KiB from chargen per round");
        assertEquals(2 * 200, r.datagrams(), "every UDP datagram echoed");
        assertEquals(2 * 50, r.pings(), "every ping answered");
    }

    @Test
    void roundsAreBoundedByTheEphemeralPorts() {
        assertThrows(IllegalArgumentException.class, () -> JitWarmUp.run(JitWarmUp.ROUNDS + 1));
        assertThrows(IllegalArgumentException.class, () -> JitWarmUp.run(0));
    }
}
