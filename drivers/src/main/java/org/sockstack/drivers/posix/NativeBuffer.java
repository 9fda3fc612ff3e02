package org.sockstack.drivers.posix;

import jnr.ffi.Pointer;

import java.nio.ByteBuffer;

/**
 * A block of native memory that system calls read into and write from, allocated once per device
 * so the per-frame path allocates nothing.
 */
public final class NativeBuffer {
    private final ByteBuffer buffer;
    private final long address;

    public NativeBuffer(int capacity) {
        this.buffer = ByteBuffer.allocateDirect(capacity);
        this.address = Pointer.wrap(LibC.runtime(), buffer).address();
    }

    /** The buffer; its address never changes. Callers manage position and limit. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public long address() {
        return address;
    }

    public int capacity() {
        return buffer.capacity();
    }
}
