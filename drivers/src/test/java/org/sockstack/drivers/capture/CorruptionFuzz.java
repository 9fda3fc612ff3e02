package org.sockstack.drivers.capture;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Flips random bytes of a valid capture file and reads it back: the reader may accept the file or
 * reject it with a {@link CaptureFormatException}; anything else (a RuntimeException, an
 * OutOfMemoryError, another IOException) is a bug and is collected.
 */
final class CorruptionFuzz {
    private CorruptionFuzz() {
    }

    record Result(int accepted, int rejected, List<String> unexpected) {
    }

    static Result run(byte[] valid, int rounds, long seed) {
        Random random = new Random(seed);
        int accepted = 0;
        int rejected = 0;
        List<String> unexpected = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            byte[] file = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                // Bias toward the headers, where the lengths live.
                int at = random.nextBoolean() ? random.nextInt(Math.min(64, file.length)) : random.nextInt(file.length);
                file[at] = (byte) random.nextInt(256);
            }
            try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file))) {
                while (reader.next() != null) {
                    // drain
                }
                accepted++;
            } catch (CaptureFormatException e) {
                rejected++;
            } catch (Throwable t) {
                unexpected.add("round " + round + ": " + t);
            }
        }
        return new Result(accepted, rejected, unexpected);
    }
}
