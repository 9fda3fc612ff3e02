package org.sockstack.stack.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty reports a leaked buffer while it ran (DESIGN rule 5: a detected
 * leak fails the build). Registered for every test class through JUnit's extension
 * auto-detection (see {@code junit-platform.properties}).
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakDetection.install();
        List<String> earlier = LeakDetection.collectLeaks();
        if (!earlier.isEmpty()) {
            throw new AssertionError(earlier.size() + " buffer leak(s) found before "
                    + context.getDisplayName() + " (from an earlier class):\n" + String.join("\n", earlier));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakDetection.collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", leaks));
        }
    }
}
