package org.sockstack.stack.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.loop.TimerWheel;
import org.sockstack.stack.stats.Counter;
import org.sockstack.stack.stats.Counters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fragment reassembly shared by IPv4 (RFC 791 section 3.2, RFC 815) and IPv6 (RFC 8200 section
 * 4.5), where the RFCs agree (DESIGN rule 8).
 *
 * <p>Fragments of one datagram are identified by a protocol-specific key (IPv4: source,
 * destination, protocol and identification; IPv6: source, destination and identification). Their
 * data is copied (fragments are not the fast path), and when the last hole is filled the datagram
 * is returned as one buffer: the first fragment's header octets (kept verbatim, so the caller can
 * rewrite it as an unfragmented header) followed by the reassembled data.
 *
 * <p>Rules: overlapping fragments discard the whole datagram, including fragments still to come,
 * until the timeout (RFC 5722 for IPv6; applied to IPv4 as well, which defeats overlap-based
 * evasion); exact duplicates are ignored; fragments that would make the datagram larger than
 * {@link ReassemblyConfig#maxDatagramBytes()} discard it (ping of death). Memory, concurrency and
 * fragment counts are bounded by {@link ReassemblyConfig}. Event loop thread only.
 *
 * @param <K> the datagram key (must implement equals/hashCode)
 */
public final class Reassembler<K> {

    /** Told when an incomplete datagram times out (e.g. to send ICMP Time Exceeded, code 1). */
    @FunctionalInterface
    public interface TimeoutListener<K> {
        /**
         * {@code firstHeader} is null unless the fragment at offset 0 had arrived; then
         * {@code firstData} holds that fragment's data (borrowed for the call).
         */
        void onTimeout(K key, byte[] firstHeader, ByteBuf firstData, long now);
    }

    /** What happened to an offered fragment. */
    public enum Outcome { COMPLETE, HELD, DUPLICATE, OVERLAP, TOO_BIG, BAD_LENGTH, LIMIT, DISCARDED }

    private final TimerWheel timers;
    private final ReassemblyConfig config;
    private final ByteBufAllocator allocator;
    private final TimeoutListener<K> timeoutListener;
    private final Map<K, Datagram> datagrams = new LinkedHashMap<>();
    private long heldBytes;
    private ByteBuf completed;

    private final Counter reassembled;
    private final Counter timeouts;
    private final Counter dropOverlap;
    private final Counter dropTooBig;
    private final Counter dropBadLength;
    private final Counter dropLimit;
    private final Counter duplicates;
    private final Counter dropDiscarded;

    public Reassembler(String layer, TimerWheel timers, ReassemblyConfig config, ByteBufAllocator allocator,
                       Counters counters, TimeoutListener<K> timeoutListener) {
        this.timers = timers;
        this.config = config;
        this.allocator = allocator;
        this.timeoutListener = timeoutListener;
        reassembled = counters.counter(layer + ".reassembly.ok");
        timeouts = counters.drop(layer, "reassembly_timeout");
        dropOverlap = counters.drop(layer, "fragment_overlap");
        dropTooBig = counters.drop(layer, "fragment_too_big");
        dropBadLength = counters.drop(layer, "fragment_bad_length");
        dropLimit = counters.drop(layer, "reassembly_limit");
        duplicates = counters.counter(layer + ".reassembly.duplicate_fragments");
        dropDiscarded = counters.drop(layer, "fragment_of_discarded_datagram");
    }

    private final class Datagram {
        final K key;
        final List<Fragment> fragments = new ArrayList<>(4);
        final Timer timer;
        byte[] firstHeader;
        int totalLength = -1;
        int received;
        boolean discarded;

        Datagram(K key) {
            this.key = key;
            this.timer = timers.newTimer("reassembly", this::expire);
        }

        void expire(long now) {
            datagrams.remove(key);
            if (!discarded) {
                timeouts.increment();
                boolean haveFirst = firstHeader != null && !fragments.isEmpty() && fragments.get(0).offset() == 0;
                timeoutListener.onTimeout(key, haveFirst ? firstHeader : null,
                        haveFirst ? fragments.get(0).data() : null, now);
            }
            release(this);
        }
    }

    private record Fragment(int offset, int length, ByteBuf data) {
        int end() {
            return offset + length;
        }
    }

    /**
     * Offers one fragment: {@code length} octets of data at {@code dataIndex} in {@code buf}
     * (borrowed; copied if kept) belonging at byte {@code offset} of the datagram.
     * {@code header}, given for the fragment at offset 0, is the header to keep for the result.
     *
     * @return the outcome; on {@link Outcome#COMPLETE} take the datagram with {@link #takeCompleted()}
     */
    public Outcome offer(K key, int offset, boolean moreFragments, ByteBuf buf, int dataIndex, int length,
                         byte[] header, long now) {
        return offerInternal(key, offset, moreFragments, buf, dataIndex, length, header, now);
    }

    private Outcome offerInternal(K key, int offset, boolean more, ByteBuf buf, int dataIndex, int length,
                                  byte[] header, long now) {
        if (more && (length == 0 || (length & 7) != 0)) {
            // Every fragment but the last carries a multiple of 8 octets (RFC 791, RFC 8200 4.5).
            dropBadLength.increment();
            return Outcome.BAD_LENGTH;
        }
        Datagram d = datagrams.get(key);
        if (d == null) {
            d = newDatagram(key, now);
            if (d == null) {
                dropLimit.increment();
                return Outcome.LIMIT;
            }
        }
        if (d.discarded) {
            dropDiscarded.increment();
            return Outcome.DISCARDED;
        }
        int end = offset + length;
        if (end > config.maxDatagramBytes()) {
            discard(d);
            dropTooBig.increment();
            return Outcome.TOO_BIG;
        }
        if (!more) {
            if ((d.totalLength >= 0 && d.totalLength != end) || end < maxEnd(d)) {
                discard(d);
                dropBadLength.increment();
                return Outcome.BAD_LENGTH;
            }
            d.totalLength = end;
        } else if (d.totalLength >= 0 && end > d.totalLength) {
            discard(d);
            dropBadLength.increment();
            return Outcome.BAD_LENGTH;
        }
        for (Fragment f : d.fragments) {
            if (f.offset() == offset && f.length() == length) {
                duplicates.increment();
                return Outcome.DUPLICATE;
            }
            if (offset < f.end() && f.offset() < end) {
                discard(d);
                dropOverlap.increment();
                return Outcome.OVERLAP;
            }
        }
        if (d.fragments.size() >= config.maxFragments()) {
            discard(d);
            dropLimit.increment();
            return Outcome.LIMIT;
        }
        if (!makeRoom(length, d)) {
            dropLimit.increment();
            return Outcome.LIMIT;
        }
        ByteBuf copy = allocator.buffer(length, length);
        copy.writeBytes(buf, dataIndex, length);
        insertSorted(d, new Fragment(offset, length, copy));
        d.received += length;
        heldBytes += length;
        if (offset == 0 && header != null) {
            d.firstHeader = header;
        }
        if (d.totalLength >= 0 && d.received == d.totalLength && d.firstHeader != null) {
            complete(d);
            return Outcome.COMPLETE;
        }
        return Outcome.HELD;
    }

    /** The datagram completed by the last {@link #offer}; the caller owns (and releases) it. */
    public ByteBuf takeCompleted() {
        ByteBuf b = completed;
        completed = null;
        return b;
    }

    /** Datagrams currently held (for tests and statistics). */
    public int pending() {
        return datagrams.size();
    }

    public long heldBytes() {
        return heldBytes;
    }

    private Datagram newDatagram(K key, long now) {
        if (datagrams.size() >= config.maxConcurrent() && !evictOldest(null)) {
            return null;
        }
        Datagram d = new Datagram(key);
        d.timer.scheduleAfter(now, config.timeout().toNanos());
        datagrams.put(key, d);
        return d;
    }

    /** Frees memory for {@code length} more octets by discarding the oldest other datagrams. */
    private boolean makeRoom(int length, Datagram keep) {
        while (heldBytes + length > config.maxTotalBytes()) {
            if (!evictOldest(keep)) {
                return false;
            }
        }
        return true;
    }

    private boolean evictOldest(Datagram keep) {
        Iterator<Datagram> it = datagrams.values().iterator();
        while (it.hasNext()) {
            Datagram d = it.next();
            if (d != keep) {
                it.remove();
                d.timer.cancel();
                release(d);
                dropLimit.increment();
                return true;
            }
        }
        return false;
    }

    private static int maxEnd(Reassembler<?>.Datagram d) {
        int max = 0;
        for (Fragment f : d.fragments) {
            max = Math.max(max, f.end());
        }
        return max;
    }

    private void insertSorted(Datagram d, Fragment f) {
        int i = d.fragments.size();
        while (i > 0 && d.fragments.get(i - 1).offset() > f.offset()) {
            i--;
        }
        d.fragments.add(i, f);
    }

    private void complete(Datagram d) {
        int headerLength = d.firstHeader.length;
        ByteBuf out = allocator.directBuffer(headerLength + d.totalLength);
        out.writeBytes(d.firstHeader);
        for (Fragment f : d.fragments) {
            out.writeBytes(f.data(), f.data().readerIndex(), f.length());
        }
        datagrams.remove(d.key);
        d.timer.cancel();
        release(d);
        reassembled.increment();
        completed = out;
    }

    /** Drops a datagram's data but keeps a tombstone until its timeout (RFC 5722). */
    private void discard(Datagram d) {
        release(d);
        d.discarded = true;
    }

    private void release(Datagram d) {
        for (Fragment f : d.fragments) {
            f.data().release();
            heldBytes -= f.length();
        }
        d.fragments.clear();
    }

    /** Drops everything (the stack is closing). */
    public void clear() {
        for (Datagram d : datagrams.values()) {
            d.timer.cancel();
            release(d);
        }
        datagrams.clear();
    }
}
