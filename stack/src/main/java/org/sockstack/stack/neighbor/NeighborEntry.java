package org.sockstack.stack.neighbor;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.loop.Timer;

import java.util.ArrayDeque;

/**
 * One neighbour: its protocol address, link-layer address and reachability state. Owned by a
 * {@link NeighborCache}; read-only to everyone else.
 *
 * @param <A> the protocol address type
 */
public final class NeighborEntry<A> {
    final A address;
    long mac = -1;
    NeighborState state;
    int solicitations;
    long lastUsed;
    long stateSince;
    Timer timer;
    final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
    int pendingBytes;

    NeighborEntry(A address, NeighborState state, long now) {
        this.address = address;
        this.state = state;
        this.stateSince = now;
        this.lastUsed = now;
    }

    public A address() {
        return address;
    }

    /** The link-layer address, or -1 while unresolved. */
    public long mac() {
        return mac;
    }

    public NeighborState state() {
        return state;
    }

    public int pendingPackets() {
        return pending.size();
    }

    @Override
    public String toString() {
        return address + " " + (mac < 0 ? "(incomplete)" : new org.sockstack.stack.wire.MacAddress(mac)) + " " + state;
    }
}
