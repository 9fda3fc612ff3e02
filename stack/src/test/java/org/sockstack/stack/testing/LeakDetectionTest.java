package org.sockstack.stack.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check can fail: a buffer dropped without release is reported. */
class LeakDetectionTest {

    @Test
    void aDroppedBufferIsReported() {
        assertTrue(LeakDetection.isInstalled());
        leakOne();
        List<String> leaks = LeakDetection.collectLeaks();
        assertFalse(leaks.isEmpty(), "the deliberate leak was detected");
        assertTrue(leaks.get(0).contains("LEAK"), leaks.get(0));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(1);
        // no release: the reference is dropped here
    }
}
