package org.sockstack.spi.wsa;

/**
 * A mutable int: the Java form of the SPI's {@code LPINT}/{@code LPDWORD} out-parameters
 * ({@code lpErrno}, {@code lpNumberOfBytesRecvd}, {@code lpFlags}).
 */
public final class IntRef {
    public int value;

    public IntRef() {
    }

    public IntRef(int value) {
        this.value = value;
    }

    public int get() {
        return value;
    }

    public void set(int value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
