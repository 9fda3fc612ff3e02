package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;

/**
 * A bounded circular byte buffer: the storage of a connection's send and receive buffers. Plain
 * heap memory owned by the connection (nothing to release). Offsets are relative to the oldest
 * byte (the head). Besides appending and consuming it can write at an offset past the readable
 * end, which is how out-of-order data is placed where it belongs before the hole is filled.
 */
final class ByteRing {
    private static final byte[] EMPTY = new byte[0];
    /** The first allocation; storage then doubles as data arrives, up to the capacity. */
    private static final int INITIAL_STORAGE = 4096;

    /**
     * The storage: allocated on first use and grown on demand, so an idle connection costs no
     * buffer memory (an established connection that never carried data holds none at all).
     */
    private byte[] data = EMPTY;
    /** The logical bound: how many bytes the buffer may hold. */
    private int capacity;
    private int head;
    private int size;
    /** Bytes from the head that hold data: the readable ones plus any placed beyond them. */
    private int extent;

    ByteRing(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Bytes of storage allocated now (at most the capacity). */
    int allocated() {
        return data.length;
    }

    /** Readable (contiguous) bytes. */
    int size() {
        return size;
    }

    int free() {
        return capacity - size;
    }

    /** Changes the capacity, keeping the contents; never below the bytes held. */
    void resize(int capacity) {
        this.capacity = Math.max(capacity, extent);
        if (data.length > this.capacity) {
            relocate(this.capacity);
        }
    }

    /** Makes sure the storage covers {@code end} bytes from the head (growing by doubling). */
    private void ensureStorage(int end) {
        if (end <= data.length) {
            return;
        }
        int n = Math.max(INITIAL_STORAGE, data.length);
        while (n < end) {
            n = n > capacity / 2 ? capacity : n * 2;
        }
        relocate(Math.min(Math.max(n, end), capacity));
    }

    /** Moves the held bytes (readable and placed beyond) to new storage of {@code length}, head at 0. */
    private void relocate(int length) {
        byte[] n = length == 0 ? EMPTY : new byte[length];
        if (extent > 0) {
            copyOut(0, n, 0, extent);
        }
        data = n;
        head = 0;
    }

    /** Appends up to {@code len} bytes from {@code src}; returns how many fitted. */
    int write(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        ensureStorage(size + n);
        int pos = index(size);
        int first = Math.min(n, data.length - pos);
        System.arraycopy(src, off, data, pos, first);
        System.arraycopy(src, off + first, data, 0, n - first);
        size += n;
        extent = Math.max(extent, size);
        return n;
    }

    /** Appends up to {@code len} readable bytes of {@code src}, advancing its reader index. */
    int write(ByteBuf src, int len) {
        int n = Math.min(Math.min(len, src.readableBytes()), free());
        setAt(size, src, src.readerIndex(), n);
        src.skipBytes(n);
        size += n;
        extent = Math.max(extent, size);
        return n;
    }

    /**
     * Stores {@code len} bytes of {@code src} at {@code offset} from the head without changing the
     * readable size (the caller {@link #extend}s once the bytes become contiguous).
     */
    void setAt(int offset, ByteBuf src, int srcIndex, int len) {
        if (offset < 0 || offset + len > capacity) {
            throw new IndexOutOfBoundsException("offset " + offset + " len " + len);
        }
        ensureStorage(offset + len);
        extent = Math.max(extent, offset + len);
        int pos = index(offset);
        int first = Math.min(len, data.length - pos);
        src.getBytes(srcIndex, data, pos, first);
        src.getBytes(srcIndex + first, data, 0, len - first);
    }

    /** Makes {@code n} more bytes (already placed with {@link #setAt}) readable. */
    void extend(int n) {
        if (n < 0 || size + n > extent) {
            throw new IllegalArgumentException("extend " + n);
        }
        size += n;
    }

    /** Copies {@code len} readable bytes at {@code offset} into {@code dst} at {@code dstIndex}. */
    void copyTo(int offset, ByteBuf dst, int dstIndex, int len) {
        if (offset < 0 || offset + len > size) {
            throw new IndexOutOfBoundsException("offset " + offset + " len " + len + " size " + size);
        }
        int pos = index(offset);
        int first = Math.min(len, data.length - pos);
        dst.setBytes(dstIndex, data, pos, first);
        dst.setBytes(dstIndex + first, data, 0, len - first);
    }

    /** The readable byte at {@code offset} from the head. */
    byte get(int offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " size " + size);
        }
        return data[index(offset)];
    }

    /** Consumes up to {@code len} bytes into {@code dst}; returns how many. */
    int read(byte[] dst, int off, int len) {
        int n = Math.min(len, size);
        copyOut(0, dst, off, n);
        skip(n);
        return n;
    }

    /** Consumes up to {@code len} bytes, writing them to {@code dst} (advancing its writer index). */
    int read(ByteBuf dst, int len) {
        int n = Math.min(Math.min(len, size), dst.writableBytes());
        int pos = index(0);
        int first = Math.min(n, data.length - pos);
        dst.writeBytes(data, pos, first);
        dst.writeBytes(data, 0, n - first);
        skip(n);
        return n;
    }

    /** Drops {@code n} bytes from the head (acknowledged send data). */
    void skip(int n) {
        if (n < 0 || n > size) {
            throw new IllegalArgumentException("skip " + n + " of " + size);
        }
        // The head only ever moves forward: out-of-order data may sit beyond the readable end at
        // positions relative to head + size, so the head must not be "reset" when size reaches 0.
        head = index(n);
        size -= n;
        extent -= n;
    }

    /**
     * Gives the storage back when nothing is held (neither readable nor placed beyond), so a
     * connection that will carry no more data (TIME_WAIT) keeps no buffer memory; the next
     * write would allocate again. Returns true if storage was freed.
     */
    boolean releaseIfEmpty() {
        if (extent != 0 || data.length == 0) {
            return false;
        }
        data = EMPTY;
        head = 0;
        return true;
    }

    private void copyOut(int offset, byte[] dst, int off, int len) {
        int pos = index(offset);
        int first = Math.min(len, data.length - pos);
        System.arraycopy(data, pos, dst, off, first);
        System.arraycopy(data, 0, dst, off + first, len - first);
    }

    private int index(int offset) {
        int i = head + offset;
        return i >= data.length ? i - data.length : i;
    }
}
