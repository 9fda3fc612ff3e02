package org.sockstack.testbed.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioTest {

    @Test
    void congestionControlNamesAreValidatedAgainstTheStack() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().congestionControls(List.of("vegas")).build());
        assertTrue(e.getMessage().contains("vegas") && e.getMessage().contains("newreno"), e.getMessage());
        Scenario s = Scenario.builder().congestionControls(List.of("NewReno", "reno")).build();
        assertEquals("NewReno", s.congestionControlOf(0));
        assertEquals("reno", s.congestionControlOf(1));
        assertEquals("NewReno", s.congestionControlOf(2));
        assertNull(Scenario.builder().build().congestionControlOf(0));
    }

    @Test
    void impossibleScenariosAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().senders(2).build());
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().flows(0).build());
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().rate(0).build());
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().queueBytes(100).build());
        assertThrows(IllegalArgumentException.class, () -> Scenario.builder().duration(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().reorder(0.1, Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class,
                () -> Scenario.builder().sampleInterval(Duration.ofNanos(10)).build());
    }

    @Test
    void impairmentsHitOnlyTheDataDirection() {
        Scenario s = Scenario.builder().loss(0.1).reorder(0.2, Duration.ofMillis(3)).build();
        assertEquals(0.1, s.bottleneckForward().impairments().lossProbability());
        assertEquals(0.2, s.bottleneckForward().impairments().reorderProbability());
        assertEquals(0.0, s.bottleneckReverse().impairments().lossProbability());
        assertEquals(s.rate(), s.bottleneckReverse().rateBitsPerSecond());
        assertEquals(Duration.ofMillis(10).toNanos(), s.bottleneckReverse().propagationDelayNanos());
    }
}
