package org.sockstack.testbed.apps;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The applications over the stack provider: two user-space stacks joined in memory. */
class StackAppsTest extends AppsBehaviour {
    @Override
    Worlds.World makeWorld() {
        return Worlds.stacks();
    }

    @Override
    boolean onStack() {
        return true;
    }

    @Test
    void scanCallsAPortFilteredWhenNothingAnswers() {
        // 192.0.2.1 is A itself; 192.0.2.77 is nobody: ARP gets no answer, so neither does the SYN.
        Map<Integer, PortScan.State> r = PortScan.scan(world.a(), Worlds.ip("192.0.2.77"), List.of(80), 1,
                Duration.ofMillis(700));
        assertEquals(Map.of(80, PortScan.State.FILTERED), r);
    }
}
