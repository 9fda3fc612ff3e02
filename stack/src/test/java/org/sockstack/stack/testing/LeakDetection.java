package org.sockstack.stack.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Makes Netty's leak detector (run at paranoid level in tests) record leaks where tests can see
 * them, instead of only logging. Installed by {@link LeakDetectionSessionListener} before any
 * buffer class is loaded; {@link LeakCheckExtension} fails a test class that leaked.
 */
public final class LeakDetection {
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    private LeakDetection() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        if (ResourceLeakDetector.getLevel().ordinal() < ResourceLeakDetector.Level.PARANOID.ordinal()) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    public static boolean isInstalled() {
        return installed;
    }

    /**
     * Collects garbage and makes the detector process its reference queue, then returns (and
     * forgets) the leaks found so far.
     */
    public static List<String> collectLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20); // lets the reference handler enqueue cleared references
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The detector drains its queue on each tracked allocation.
            for (int i = 0; i < 4; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
                probe.release();
                ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
                heap.release();
            }
        }
        List<String> out = new ArrayList<>();
        String s;
        while ((s = LEAKS.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + " released too late or never" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " released too late or never (no records)");
        }
    }
}
