package org.sockstack.spi.namespace.dns;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resolver's cache: one {@link DnsResult} per (name, type), kept for its TTL (RFC 1035
 * section 7.4; negative answers for the SOA-derived TTL of RFC 2308 section 5), at most
 * {@code capacity} entries (the least recently used one goes first) and never longer than
 * {@code maxTtlSeconds}. Times are the stack clock's nanoseconds. Event loop thread only.
 */
public final class DnsCache {
    private record Key(String name, int type) { }

    private record Slot(DnsResult result, long expires) { }

    private final int capacity;
    private final long maxTtlSeconds;
    private final LinkedHashMap<Key, Slot> entries;

    public DnsCache(int capacity, long maxTtlSeconds) {
        if (capacity < 0 || maxTtlSeconds < 0) {
            throw new IllegalArgumentException("negative cache bound");
        }
        this.capacity = capacity;
        this.maxTtlSeconds = maxTtlSeconds;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Slot> eldest) {
                return size() > DnsCache.this.capacity;
            }
        };
    }

    /** The cached result, or null if there is none or it has expired (then it is removed). */
    public DnsResult get(String name, int type, long now) {
        Key k = new Key(DnsMessage.key(name), type);
        Slot e = entries.get(k);
        if (e == null) {
            return null;
        }
        if (now - e.expires >= 0) {
            entries.remove(k);
            return null;
        }
        return e.result;
    }

    /** Keeps {@code result} for {@code ttlSeconds} (capped); a TTL of 0 is not cached (RFC 1035 section 3.2.1). */
    public void put(String name, int type, DnsResult result, long ttlSeconds, long now) {
        long ttl = Math.min(ttlSeconds, maxTtlSeconds);
        if (ttl <= 0 || capacity == 0) {
            return;
        }
        entries.put(new Key(DnsMessage.key(name), type), new Slot(result, now + ttl * 1_000_000_000L));
    }

    /** Drops every expired entry. */
    public void purge(long now) {
        for (Iterator<Slot> it = entries.values().iterator(); it.hasNext(); ) {
            if (now - it.next().expires >= 0) {
                it.remove();
            }
        }
    }

    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
