package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;

/**
 * A bounded circular byte buffer: the storage of a connection's send and receive buffers. Plain
 * heap memory owned by the connection (nothing to release). Offsets are relative to the oldest
 * byte (the head). Besides appending and consuming it can write at an offset past the readable
 * end, which is how out-of-order data is placed where it belongs before the hole is filled.
 */
final class ByteRing {
    private byte[] data;
    private int head;
    private int size;

    ByteRing(int capacity) {
        this.data = new byte[capacity];
    }

    int capacity() {
        return data.length;
    }

    /** Readable (contiguous) bytes. */
    int size() {
        return size;
    }

    int free() {
        return data.length - size;
    }

    /** Changes the capacity, keeping the contents; never below {@link #size()}. */
    void resize(int capacity) {
        int c = Math.max(capacity, size);
        if (c == data.length) {
            return;
        }
        byte[] n = new byte[c];
        copyOut(0, n, 0, size);
        data = n;
        head = 0;
    }

    /** Appends up to {@code len} bytes from {@code src}; returns how many fitted. */
    int write(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        int pos = index(size);
        int first = Math.min(n, data.length - pos);
        System.arraycopy(src, off, data, pos, first);
        System.arraycopy(src, off + first, data, 0, n - first);
        size += n;
        return n;
    }

    /** Appends up to {@code len} readable bytes of {@code src}, advancing its reader index. */
    int write(ByteBuf src, int len) {
        int n = Math.min(Math.min(len, src.readableBytes()), free());
        setAt(size, src, src.readerIndex(), n);
        src.skipBytes(n);
        size += n;
        return n;
    }

    /**
     * Stores {@code len} bytes of {@code src} at {@code offset} from the head without changing the
     * readable size (the caller {@link #extend}s once the bytes become contiguous).
     */
    void setAt(int offset, ByteBuf src, int srcIndex, int len) {
        if (offset < 0 || offset + len > data.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " len " + len);
        }
        int pos = index(offset);
        int first = Math.min(len, data.length - pos);
        src.getBytes(srcIndex, data, pos, first);
        src.getBytes(srcIndex + first, data, 0, len - first);
    }

    /** Makes {@code n} more bytes (already placed with {@link #setAt}) readable. */
    void extend(int n) {
        if (n < 0 || size + n > data.length) {
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
