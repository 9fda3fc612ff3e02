package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.IpAddress;
import org.sockstack.stack.wire.Ipv4Address;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.random.RandomGenerator;

/**
 * RFC 6528 section 3: {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)},
 * where M is a timer ticking every 4 microseconds and F a keyed pseudo-random function. F here is
 * SipHash-2-4 (Aumasson and Bernstein, 2012) with a 128-bit secret drawn from the stack's seeded
 * generator, so ISNs of one connection pair increase with time (old duplicates stay below) while
 * ISNs of different pairs are unpredictable to an off-path attacker.
 */
public final class Rfc6528IsnGenerator implements IsnGenerator {
    private final long k0;
    private final long k1;

    public Rfc6528IsnGenerator(RandomGenerator random) {
        this.k0 = random.nextLong();
        this.k1 = random.nextLong();
    }

    @Override
    public int isn(IpAddress localAddress, int localPort, IpAddress remoteAddress, int remotePort, long now) {
        // M: RFC 6528 section 3 "a timer that is incremented every 4 microseconds".
        int m = (int) (now / 4_000);
        long ports = (long) localPort << 16 | remotePort;
        long f;
        if (localAddress instanceof Ipv4Address l && remoteAddress instanceof Ipv4Address r) {
            f = sipHash24(k0, k1, (long) l.bits() << 32 | (r.bits() & 0xFFFF_FFFFL), ports);
        } else {
            Ipv6Address l = (Ipv6Address) localAddress;
            Ipv6Address r = (Ipv6Address) remoteAddress;
            f = sipHash24(k0, k1, l.hi(), l.lo(), r.hi(), r.lo(), ports);
        }
        return m + (int) f;
    }

    /** SipHash-2-4 over a message of whole 64-bit words (little-endian convention of the paper). */
    static long sipHash24(long k0, long k1, long... words) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long[] v = {v0, v1, v2, v3};
        for (long m : words) {
            v[3] ^= m;
            round(v);
            round(v);
            v[0] ^= m;
        }
        long last = (long) (words.length * 8) << 56;   // final block: the message length byte
        v[3] ^= last;
        round(v);
        round(v);
        v[0] ^= last;
        v[2] ^= 0xff;
        for (int i = 0; i < 4; i++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13);
        v[1] ^= v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16);
        v[3] ^= v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21);
        v[3] ^= v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17);
        v[1] ^= v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
