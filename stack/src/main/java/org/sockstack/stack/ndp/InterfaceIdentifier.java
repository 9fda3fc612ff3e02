package org.sockstack.stack.ndp;

import org.sockstack.stack.wire.Ipv6Address;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Interface identifiers: the low 64 bits of an autoconfigured address (RFC 4862 section 5.5.3).
 */
public final class InterfaceIdentifier {
    private InterfaceIdentifier() {
    }

    /**
     * Modified EUI-64 from a 48-bit MAC (RFC 4291 appendix A, RFC 2464 section 4): insert FFFE in
     * the middle and invert the universal/local bit. 02:00:00:00:00:02 gives 0000:00ff:fe00:0002.
     */
    public static long modifiedEui64(long mac) {
        long oui = (mac >>> 24) & 0xFF_FFFFL;
        long nic = mac & 0xFF_FFFFL;
        return ((oui << 40) | (0xFFFEL << 24) | nic) ^ 0x0200_0000_0000_0000L;
    }

    /**
     * RFC 7217 section 5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key) with
     * F = SHA-256, taking the first 64 bits. Stable for one prefix on one interface, different
     * across prefixes (so a host cannot be followed across networks). Identifiers reserved by
     * RFC 5453 are skipped by trying the next DAD_Counter.
     */
    public static long stableOpaque(Ipv6Address prefix, String netIface, String networkId, int dadCounter,
                                    byte[] secretKey) {
        for (int counter = dadCounter; ; counter++) {
            long iid = sha256First64(prefix, netIface, networkId, counter, secretKey);
            if (!isReserved(iid)) {
                return iid;
            }
        }
    }

    private static long sha256First64(Ipv6Address prefix, String netIface, String networkId, int dadCounter,
                                      byte[] secretKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 56; i >= 0; i -= 8) {
                sha.update((byte) (prefix.hi() >>> i));
            }
            sha.update(netIface.getBytes(StandardCharsets.UTF_8));
            sha.update(networkId.getBytes(StandardCharsets.UTF_8));
            sha.update(new byte[] {(byte) (dadCounter >>> 24), (byte) (dadCounter >>> 16), (byte) (dadCounter >>> 8),
                (byte) dadCounter});
            sha.update(secretKey);
            byte[] h = sha.digest();
            long iid = 0;
            for (int i = 0; i < 8; i++) {
                iid = (iid << 8) | (h[i] & 0xFF);
            }
            return iid;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JDK", e);
        }
    }

    /** RFC 5453 reserved interface identifiers (and RFC 4291's subnet-router anycast, all zeros). */
    static boolean isReserved(long iid) {
        if (iid == 0) {
            return true;
        }
        // fdff:ffff:ffff:ff80 - fdff:ffff:ffff:ffff: reserved subnet anycast (RFC 2526).
        if ((iid & 0xFFFF_FFFF_FFFF_FF80L) == 0xFDFF_FFFF_FFFF_FF80L) {
            return true;
        }
        // 0200:5eff:fe00:0000 - 0200:5eff:feff:ffff: IANA Ethernet block (RFC 5453 section 3).
        return (iid & 0xFFFF_FFFF_FF00_0000L) == 0x0200_5EFF_FE00_0000L;
    }
}
