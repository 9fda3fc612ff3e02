package org.sockstack.testbed.lab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test against the Linux kernel in a private namespace. Tagged {@code lab}; skipped, with the
 * reason shown in the report, when the machine cannot run the lab (not root, no /dev/net/tun).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag("lab")
@Test
@ExtendWith(LabCondition.class)
public @interface LabTest {
}
