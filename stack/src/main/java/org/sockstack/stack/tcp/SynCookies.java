package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.random.RandomGenerator;

/**
 * SYN cookies (RFC 4987 section 3.6): when a listener's SYN queue is full, the SYN,ACK's ISN
 * itself carries what the connection needs, so no state is kept until the peer's ACK returns it
 * (as SEG.ACK - 1). The usual layout:
 * <pre>
 *    31      27 26  24 23                                        0
 *   +----------+------+-------------------------------------------+
 *   | t mod 32 | MSS  |  24 bits of MAC(secret, 4-tuple, client ISN, t) |
 *   +----------+------+-------------------------------------------+
 * </pre>
 * {@code t} counts 64-second periods; a cookie is accepted for two periods after the one it was
 * made in. The MSS is an index into {@link #MSS_TABLE} (rounded down). The MAC is SipHash-2-4
 * with a secret from the stack's seeded generator, over the full period count.
 *
 * <p>Window scale and SACK-permitted do not fit; as Linux does, they travel in the low 6 bits of
 * our TSval when the peer uses timestamps, and come back in its TSecr. Without timestamps the
 * connection has neither (RFC 4987 names this loss as the cost of cookies).
 */
final class SynCookies {
    /** The MSS values a cookie can carry (3 bits), ascending. */
    static final int[] MSS_TABLE = {216, 536, 1200, 1300, 1400, 1440, 1452, 1460};
    static final long PERIOD = 64_000_000_000L;
    static final int MAX_AGE = 2;
    /** TSval low bits: window scale (4 bits, 15 = none) and SACK-permitted (bit 4). */
    static final int TS_OPTION_BITS = 6;
    private static final int TS_MASK = (1 << TS_OPTION_BITS) - 1;
    private static final int NO_WSCALE = 0xF;

    private final long k0;
    private final long k1;

    SynCookies(RandomGenerator random) {
        this.k0 = random.nextLong();
        this.k1 = random.nextLong();
    }

    /** What a valid cookie gave back. */
    record Decoded(int mss) {
    }

    static long period(long now) {
        return Math.floorDiv(now, PERIOD);
    }

    /** The ISN for a SYN from {@code key}'s remote end with sequence number {@code clientIsn}. */
    int encode(ConnKey key, int clientIsn, int peerMss, long now) {
        long t = period(now);
        int m = mssIndex(peerMss);
        return (int) (t & 31) << 27 | m << 24 | (mac(key, clientIsn, t) & 0xFF_FFFF);
    }

    /** Validates {@code cookie} (SEG.ACK - 1) for {@code clientIsn} (SEG.SEQ - 1); null if forged or stale. */
    Decoded decode(ConnKey key, int clientIsn, int cookie, long now) {
        long current = period(now);
        int age = (int) ((current - (cookie >>> 27)) & 31);
        if (age > MAX_AGE) {
            return null;
        }
        long t = current - age;
        if ((mac(key, clientIsn, t) & 0xFF_FFFF) != (cookie & 0xFF_FFFF)) {
            return null;
        }
        return new Decoded(MSS_TABLE[(cookie >>> 24) & 7]);
    }

    /** The largest table entry not above {@code mss} (the smallest if none is). */
    static int mssIndex(int mss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && MSS_TABLE[i] > mss) {
            i--;
        }
        return i;
    }

    /** Our TSval with the options in its low bits; never ahead of {@code tsClock}. */
    static int encodeTsVal(int tsClock, int wscale, boolean sack) {
        int bits = (wscale >= 0 ? wscale : NO_WSCALE) | (sack ? 1 << 4 : 0);
        int v = (tsClock & ~TS_MASK) | bits;
        return Seq.gt(v, tsClock) ? v - (1 << TS_OPTION_BITS) : v;
    }

    /** Window scale from an echoed TSval, -1 for none. */
    static int wscaleOf(int tsEcr) {
        int w = tsEcr & 0xF;
        return w == NO_WSCALE || w > 14 ? -1 : w;
    }

    static boolean sackOf(int tsEcr) {
        return (tsEcr & 1 << 4) != 0;
    }

    private int mac(ConnKey key, int clientIsn, long t) {
        long ports = (long) key.localPort() << 16 | key.remotePort();
        long tail = ports << 32 | (clientIsn & 0xFFFF_FFFFL);
        long f = Rfc6528IsnGenerator.sipHash24(k0, k1, word(key.localAddress(), true), word(key.remoteAddress(), true),
                word(key.localAddress(), false), word(key.remoteAddress(), false), tail, t);
        return (int) f;
    }

    private static long word(IpAddress a, boolean high) {
        if (a instanceof Ipv4Address v4) {
            return high ? v4.bits() : 0;
        }
        Ipv6Address v6 = (Ipv6Address) a;
        return high ? v6.hi() : v6.lo();
    }
}
