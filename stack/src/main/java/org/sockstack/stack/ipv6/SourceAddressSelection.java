package org.sockstack.stack.ipv6;

import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.List;

/**
 * Source address selection of RFC 6724 section 5, rules 1, 2, 3 and 8 (the rules that matter for
 * a host without a policy table, home addresses or temporary addresses). Candidates are the usable
 * (preferred or deprecated) addresses of the outgoing interface; tentative and duplicate ones are
 * never chosen (RFC 4862 section 5.4).
 */
public final class SourceAddressSelection {
    /** RFC 4291 / RFC 6724 section 3.1 scope values. */
    static final int SCOPE_LINK_LOCAL = 0x2;
    static final int SCOPE_SITE_LOCAL = 0x5;
    static final int SCOPE_GLOBAL = 0xE;

    private SourceAddressSelection() {
    }

    /** The best source for {@code dst} among {@code candidates}, or null if none is usable. */
    public static Ipv6InterfaceAddress select(List<Ipv6InterfaceAddress> candidates, Ipv6Address dst) {
        Ipv6InterfaceAddress best = null;
        for (int i = 0; i < candidates.size(); i++) {
            Ipv6InterfaceAddress a = candidates.get(i);
            if (a.usable() && (best == null || prefer(a, best, dst))) {
                best = a;
            }
        }
        return best;
    }

    /** True if source {@code a} is better than {@code b} for destination {@code d}; ties keep {@code b}. */
    static boolean prefer(Ipv6InterfaceAddress a, Ipv6InterfaceAddress b, Ipv6Address d) {
        // Rule 1: prefer the same address.
        if (a.address().equals(d)) {
            return true;
        }
        if (b.address().equals(d)) {
            return false;
        }
        // Rule 2: prefer appropriate scope.
        int sa = scope(a.address());
        int sb = scope(b.address());
        int sd = scope(d);
        if (sa < sb) {
            return sa >= sd;
        }
        if (sb < sa) {
            return sb < sd;
        }
        // Rule 3: avoid deprecated addresses.
        boolean da = a.state() == Ipv6InterfaceAddress.State.DEPRECATED;
        boolean db = b.state() == Ipv6InterfaceAddress.State.DEPRECATED;
        if (da != db) {
            return db;
        }
        // Rule 8: use the longest matching prefix (up to the source's prefix length).
        return commonPrefixLength(a, d) > commonPrefixLength(b, d);
    }

    /** RFC 6724 section 3.1: the scope of an address. */
    static int scope(Ipv6Address a) {
        if (a.isMulticast()) {
            return a.multicastScope();
        }
        if (a.isLinkLocal() || a.isLoopback()) {
            return SCOPE_LINK_LOCAL;
        }
        if ((a.hi() >>> 54) == (0xFEC0L >>> 6)) {
            return SCOPE_SITE_LOCAL; // fec0::/10, deprecated by RFC 3879 but still scoped
        }
        return SCOPE_GLOBAL;
    }

    static int commonPrefixLength(Ipv6InterfaceAddress s, Ipv6Address d) {
        long x = s.address().hi() ^ d.hi();
        int n = x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(s.address().lo() ^ d.lo());
        return Math.min(n, s.prefixLength());
    }
}
