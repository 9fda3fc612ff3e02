package org.sockstack.testbed.lab;

import java.util.List;

/**
 * What a command run in the lab did.
 *
 * @param command  the command line
 * @param exitCode its exit status, or -1 if it was killed at its time limit
 * @param output   standard output and standard error, interleaved
 */
public record ProcResult(List<String> command, int exitCode, String output) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result, or throws with the command's output when it failed. */
    public ProcResult orThrow() {
        if (!ok()) {
            throw new LabException("command failed (exit " + exitCode + "): " + String.join(" ", command) + "\n" + output);
        }
        return this;
    }
}
