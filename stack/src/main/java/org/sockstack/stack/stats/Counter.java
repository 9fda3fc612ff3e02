package org.sockstack.stack.stats;

/**
 * One named statistic, like a line of {@code netstat -s}. Incremented only by the event loop
 * thread, so a plain field suffices; readers on other threads see a recent value.
 */
public final class Counter {
    private final String name;
    private long value;

    Counter(String name) {
        this.name = name;
    }

    public void increment() {
        value++;
    }

    public void add(long amount) {
        value += amount;
    }

    public long get() {
        return value;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
