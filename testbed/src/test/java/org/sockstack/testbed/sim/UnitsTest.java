package org.sockstack.testbed.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitsTest {

    @Test
    void ratesAreBitsPerSecondWithSiPrefixes() {
        assertEquals(10_000_000L, Units.rate("10M"));
        assertEquals(10_000_000L, Units.rate("10Mbit"));
        assertEquals(1_500_000_000L, Units.rate("1.5G"));
        assertEquals(64_000L, Units.rate("64k"));
        assertEquals(9600L, Units.rate("9600"));
    }

    @Test
    void sizesAreOctetsWithDecimalAndBinaryPrefixes() {
        assertEquals(1_000_000L, Units.size("1M"));
        assertEquals(65_536L, Units.size("64KiB"));
        assertEquals(2_000_000L, Units.size("2MB"));
        assertEquals(1500L, Units.size("1500"));
    }

    @Test
    void timesNeedAUnit() {
        assertEquals(Duration.ofMillis(10), Units.time("10ms"));
        assertEquals(Duration.ofMillis(1500), Units.time("1.5s"));
        assertEquals(Duration.ofNanos(250_000), Units.time("250us"));
        assertEquals(Duration.ofNanos(100), Units.time("100ns"));
    }

    @Test
    void probabilitiesAreFractionsOrPercentages() {
        assertEquals(0.01, Units.probability("0.01"), 1e-12);
        assertEquals(0.01, Units.probability("1%"), 1e-12);
        assertEquals(1.0, Units.probability("100%"), 1e-12);
    }

    @Test
    void badTextIsAnErrorNamingIt() {
        for (String bad : List.of("", "fast", "10X", "-5M", "NaN", "1Mi")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.rate(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Units.size("12 apples"));
        assertThrows(IllegalArgumentException.class, () -> Units.time("10"));
        assertThrows(IllegalArgumentException.class, () -> Units.time("-1ms"));
        assertThrows(IllegalArgumentException.class, () -> Units.time("abcs"));
        assertThrows(IllegalArgumentException.class, () -> Units.probability("1.5"));
        assertThrows(IllegalArgumentException.class, () -> Units.probability("101%"));
        assertThrows(IllegalArgumentException.class, () -> Units.probability("-0.1"));
    }

    @Test
    void formatting() {
        assertEquals("10 Mbit/s", Units.formatRate(10_000_000));
        assertEquals("8.888 Mbit/s", Units.formatRate(8_888_000));
        assertEquals("10 ms", Units.formatTime(Duration.ofMillis(10)));
        assertEquals("2%", Units.formatProbability(0.02));
    }
}
