package org.sockstack.api.nio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/** A registration of a channel with a {@link WsSelector}: interest and ready sets. */
final class WsSelectionKey extends AbstractSelectionKey {
    private final SelectableChannel channel;
    private final WsSelector selector;
    private volatile int interest;
    private volatile int ready;

    WsSelectionKey(SelectableChannel channel, WsSelector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interest;
    }

    /** Takes effect at the next selection operation (as the JDK's does). */
    @Override
    public WsSelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("Invalid interest ops: " + ops);
        }
        interest = ops;
        return this;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return ready;
    }

    int interestNow() {
        return interest;
    }

    int readyNow() {
        return ready;
    }

    void setReady(int ops) {
        ready = ops;
    }

    WsChannel wsChannel() {
        return (WsChannel) channel;
    }
}
