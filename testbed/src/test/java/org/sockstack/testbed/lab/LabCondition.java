package org.sockstack.testbed.lab;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables lab tests, with a clear message, where {@link Lab#unavailableReason()} says so. */
public final class LabCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = Lab.unavailableReason();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("lab available");
        }
        String message = "SKIPPED lab test " + context.getDisplayName() + ": " + reason;
        System.err.println(message);
        return ConditionEvaluationResult.disabled(message);
    }
}
