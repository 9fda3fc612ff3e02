package org.sockstack.spi.namespace.dns;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class DnsCacheTest {
    static final long S = 1_000_000_000L;
    static final DnsResult R = new DnsResult(DnsResult.Status.OK, "x.example", List.of(), List.of(new byte[4]));

    @Test
    void entriesLiveForTheirTtlAndNamesIgnoreCase() {
        DnsCache c = new DnsCache(4, 3600);
        c.put("X.Example.", DnsMessage.TYPE_A, R, 10, 0);
        assertSame(R, c.get("x.example", DnsMessage.TYPE_A, 9 * S));
        assertNull(c.get("x.example", DnsMessage.TYPE_AAAA, 0));
        assertNull(c.get("x.example", DnsMessage.TYPE_A, 10 * S));
        assertEquals(0, c.size());
    }

    @Test
    void zeroTtlIsNotCachedAndLongTtlsAreCapped() {
        DnsCache c = new DnsCache(4, 60);
        c.put("a.example", DnsMessage.TYPE_A, R, 0, 0);
        assertEquals(0, c.size());
        c.put("a.example", DnsMessage.TYPE_A, R, 86_400, 0);
        assertNotNull(c.get("a.example", DnsMessage.TYPE_A, 59 * S));
        assertNull(c.get("a.example", DnsMessage.TYPE_A, 60 * S));
    }

    @Test
    void boundedLeastRecentlyUsedGoesFirst() {
        DnsCache c = new DnsCache(2, 3600);
        c.put("a.example", DnsMessage.TYPE_A, R, 100, 0);
        c.put("b.example", DnsMessage.TYPE_A, R, 100, 0);
        c.get("a.example", DnsMessage.TYPE_A, 0);
        c.put("c.example", DnsMessage.TYPE_A, R, 100, 0);
        assertEquals(2, c.size());
        assertNotNull(c.get("a.example", DnsMessage.TYPE_A, 0));
        assertNull(c.get("b.example", DnsMessage.TYPE_A, 0));
        assertNotNull(c.get("c.example", DnsMessage.TYPE_A, 0));
    }

    @Test
    void purgeDropsExpiredOnly() {
        DnsCache c = new DnsCache(8, 3600);
        c.put("a.example", DnsMessage.TYPE_A, R, 5, 0);
        c.put("b.example", DnsMessage.TYPE_A, R, 50, 0);
        c.purge(10 * S);
        assertEquals(1, c.size());
    }
}
