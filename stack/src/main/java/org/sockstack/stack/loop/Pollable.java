package org.sockstack.stack.loop;

/**
 * Something the event loop drives: a stack polling its devices, a simulated link delivering
 * frames. The sans-IO shape (after smoltcp's {@code poll}/{@code poll_delay}): the component does
 * all work due at {@code now} and says when it next needs to run.
 */
public interface Pollable {

    /**
     * Does the work that is due at {@code now}.
     *
     * @return true if anything was done (the loop polls again before sleeping)
     */
    boolean poll(long now);

    /** The earliest instant this component needs to run again; {@link Long#MAX_VALUE} for never. */
    default long nextDeadline(long now) {
        return Long.MAX_VALUE;
    }
}
