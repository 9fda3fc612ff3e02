package org.sockstack.testbed.lab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class whose tests all run against the Linux kernel in one lab namespace set up in
 * {@code @BeforeAll}. Tagged {@code lab}; the whole class (setup included) is skipped with the
 * reason shown when the machine cannot run the lab.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("lab")
@ExtendWith(LabCondition.class)
public @interface LabClass {
}
