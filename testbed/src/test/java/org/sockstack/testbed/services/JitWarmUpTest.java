package org.sockstack.testbed.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The warm-up's workload completes against the real services: every exchange of a round is
 * carried out and answered, and the services keep no connection once their clients closed (the
 * warm-up checks that after each round and throws otherwise; it caught echo connections left in
 * TIME_WAIT when a handler closed while the FIN was still being processed). The stacks are joined
 * by the TAP driver over a socket pair, with and without its transmit thread.
 */
class JitWarmUpTest {

    @ParameterizedTest(name = "transmit thread {0}")
    @ValueSource(booleans = {true, false})
    void everyExchangeOfTwoRoundsIsCarriedOut(boolean transmitThread) {
        JitWarmUp.Result r = JitWarmUp.run(2, transmitThread);
        assertEquals(2, r.rounds());
        assertEquals(2 * 200, r.connections());
        assertEquals(2 * 500, r.transactions());
        assertEquals(2 * 2 * 256 * 1024, r.bulkBytes(), "256 KiB to discard and 256 KiB from chargen per round");
        assertEquals(2 * 200, r.datagrams(), "every UDP datagram echoed");
        assertEquals(2 * 50, r.pings(), "every ping answered");
    }

    @Test
    void roundsAreBoundedByTheEphemeralPorts() {
        assertThrows(IllegalArgumentException.class, () -> JitWarmUp.run(JitWarmUp.ROUNDS + 1, true));
        assertThrows(IllegalArgumentException.class, () -> JitWarmUp.run(0, true));
    }
}
