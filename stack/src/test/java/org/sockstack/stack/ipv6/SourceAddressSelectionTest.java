package org.sockstack.stack.ipv6;

import org.junit.jupiter.api.Test;
import org.sockstack.stack.iface.Ipv6InterfaceAddress;
import org.sockstack.stack.iface.Ipv6InterfaceAddress.Origin;
import org.sockstack.stack.iface.Ipv6InterfaceAddress.State;
import org.sockstack.stack.wire.Ipv6Address;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 6724 section 5 rules, with the examples of section 10.2 where they apply. */
class SourceAddressSelectionTest {

    private static Ipv6InterfaceAddress addr(String text, int prefix, State state) {
        Ipv6InterfaceAddress a = new Ipv6InterfaceAddress(Ipv6Address.parse(text), prefix, Origin.STATIC);
        a.setState(state);
        return a;
    }

    private static String select(String dst, Ipv6InterfaceAddress... candidates) {
        Ipv6InterfaceAddress a = SourceAddressSelection.select(List.of(candidates), Ipv6Address.parse(dst));
        return a == null ? null : a.address().toString();
    }

    @Test
    void rfc6724_rule1_prefersTheSameAddress() {
        assertEquals("2001:db8:1::1", select("2001:db8:1::1",
                addr("2001:db8:1::2", 64, State.PREFERRED), addr("2001:db8:1::1", 64, State.DEPRECATED)));
    }

    /** Section 10.2: destination 2001:db8:1::1, candidates 2001:db8:3::1 and fe80::1: the global one. */
    @Test
    void rfc6724_rule2_prefersAppropriateScope() {
        assertEquals("2001:db8:3::1", select("2001:db8:1::1",
                addr("fe80::1", 64, State.PREFERRED), addr("2001:db8:3::1", 64, State.PREFERRED)));
        // Destination ff05::1 (site scope): the global address, since link-local is smaller than it.
        assertEquals("2001:db8:3::1", select("ff05::1",
                addr("fe80::1", 64, State.PREFERRED), addr("2001:db8:3::1", 64, State.PREFERRED)));
        // Destination fe80::2: the link-local address.
        assertEquals("fe80::1", select("fe80::2",
                addr("2001:db8:3::1", 64, State.PREFERRED), addr("fe80::1", 64, State.PREFERRED)));
    }

    @Test
    void rfc6724_rule3_avoidsDeprecatedAddresses() {
        assertEquals("2001:db8:1::2", select("2001:db8:1::1",
                addr("2001:db8:1::d", 64, State.DEPRECATED), addr("2001:db8:1::2", 64, State.PREFERRED)));
    }

    /** Section 10.2: destination 2001:db8:1::1, candidates 2001:db8:1::2 and 2001:db8:3::2: longest match. */
    @Test
    void rfc6724_rule8_prefersTheLongestMatchingPrefix() {
        assertEquals("2001:db8:1::2", select("2001:db8:1::1",
                addr("2001:db8:3::2", 64, State.PREFERRED), addr("2001:db8:1::2", 64, State.PREFERRED)));
    }

    @Test
    void tentativeAndDuplicateAddressesAreNeverChosen() {
        assertNull(select("2001:db8:1::1", addr("2001:db8:1::2", 64, State.TENTATIVE),
                addr("2001:db8:1::3", 64, State.DUPLICATE)));
    }
}
