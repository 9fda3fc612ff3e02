package org.sockstack.spi.wsa;

/** A mutable reference: the Java form of the SPI's pointer out-parameters (a sockaddr, a QOS, ...). */
public final class Ref<T> {
    public T value;

    public Ref() {
    }

    public Ref(T value) {
        this.value = value;
    }

    public T get() {
        return value;
    }

    public void set(T value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
