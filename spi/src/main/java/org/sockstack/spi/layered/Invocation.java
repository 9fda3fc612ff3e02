package org.sockstack.spi.layered;

import org.sockstack.spi.wsa.IntRef;

import java.util.function.Function;

/**
 * One SPI call passing through a layer: its name ("send", "recvFrom", ...), the socket (the
 * layer's handle, or {@link org.sockstack.spi.wsa.Wsa#INVALID_SOCKET} for calls without one),
 * the arguments after the handle, and the error out-parameter. {@link #proceed()} passes it to the
 * next provider with the arguments as they are then (a layer may replace them first). Results are
 * widened to long: counts and 0/SOCKET_ERROR as they are, handles as they are, booleans as 1/0.
 */
public final class Invocation {
    private final String name;
    private final long socket;
    private final IntRef errno;
    private final Object[] args;
    private final Function<Object[], Long> next;

    Invocation(String name, long socket, IntRef errno, Object[] args, Function<Object[], Long> next) {
        this.name = name;
        this.socket = socket;
        this.errno = errno;
        this.args = args;
        this.next = next;
    }

    public String name() {
        return name;
    }

    public long socket() {
        return socket;
    }

    public IntRef errno() {
        return errno;
    }

    /** The arguments (mutable: replace an element before {@link #proceed()} to pass another value). */
    public Object[] args() {
        return args;
    }

    public long proceed() {
        return next.apply(args);
    }
}
