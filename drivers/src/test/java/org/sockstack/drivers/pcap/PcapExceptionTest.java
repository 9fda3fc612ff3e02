package org.sockstack.drivers.pcap;

import org.junit.jupiter.api.Test;
import org.sockstack.drivers.pcap.PcapException.Reason;
import org.sockstack.stack.wire.MacAddress;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error messages a user sees when a capture cannot be opened. */
class PcapExceptionTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:5c:00:02");

    @Test
    void noSuchInterfaceNamesItAndSaysWhereToLook() {
        // pcap_activate's answer for a missing device, as libpcap 1.10.3 words it.
        PcapException e = PcapException.openFailed("veth9", -5, "No such device exists");
        assertEquals(Reason.NO_SUCH_INTERFACE, e.reason());
        assertTrue(e.getMessage().contains("'veth9'"), e.getMessage());
        assertTrue(e.getMessage().contains("no such interface in this network namespace"), e.getMessage());
        assertTrue(e.getMessage().contains("No such device exists"), "libpcap's own words are kept");
    }

    @Test
    void permissionDeniedSaysWhichCapabilitiesAreMissing() {
        // What an unprivileged user gets from libpcap 1.10.3 (PCAP_ERROR_PERM_DENIED).
        PcapException e = PcapException.openFailed("eth0", -8, "socket: Operation not permitted");
        assertEquals(Reason.PERMISSION_DENIED, e.reason());
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        assertTrue(e.getMessage().contains("CAP_NET_RAW"), e.getMessage());
        assertEquals(Reason.PERMISSION_DENIED, PcapException.openFailed("eth0", -11, "").reason(),
                "PCAP_ERROR_PROMISC_PERM_DENIED");
    }

    @Test
    void aDownInterfaceSaysHowToBringItUp() {
        PcapException e = PcapException.openFailed("vb", -9, "");
        assertEquals(Reason.INTERFACE_DOWN, e.reason());
        assertTrue(e.getMessage().contains("ip link set dev vb up"), e.getMessage());
    }

    @Test
    void otherFailuresKeepLibpcapsText() {
        PcapException e = PcapException.openFailed("eth0", -1, "can't mmap rx ring: Cannot allocate memory");
        assertEquals(Reason.OTHER, e.reason());
        assertTrue(e.getMessage().contains("can't mmap rx ring"), e.getMessage());
        assertEquals(Reason.OTHER, PcapException.openFailed("eth0", null, null).reason());
    }

    @Test
    void missingLibpcapNamesTheDebianPackage() {
        // What JNA throws when libpcap is absent (seen with -Dorg.pcap4j.core.pcapLibName=/nonexistent).
        PcapException e = PcapException.libpcapMissing(
                new UnsatisfiedLinkError("Unable to load library 'pcap': libpcap.so: cannot open shared object file"));
        assertEquals(Reason.LIBPCAP_MISSING, e.reason());
        assertTrue(e.getMessage().contains("apt-get install libpcap0.8"), e.getMessage());
        assertTrue(e.getMessage().contains("Unable to load library 'pcap'"), e.getMessage());
    }

    @Test
    void badInterfaceNamesAreRefusedBeforeLibpcapIsAsked() {
        for (String bad : new String[] {"", "sixteen-chars-xx", "a/b", "eth 0", "eth0:1"}) {
            PcapException e = assertThrows(PcapException.class, () -> PcapDevice.open(bad, MAC, 1500), bad);
            assertEquals(Reason.BAD_NAME, e.reason(), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(PcapDevice.validInterfaceName("fifteen-chars-x"));
        assertFalse(PcapDevice.validInterfaceName("sixteen-chars-xx"));
    }

    @Test
    void openingAMissingInterfaceFailsWithAReasonWhateverTheMachine() {
        // Root with libpcap: NO_SUCH_INTERFACE. Unprivileged: PERMISSION_DENIED (the packet socket
        // is refused first). No libpcap: LIBPCAP_MISSING. Never a raw pcap4j or JNA exception.
        PcapException e = assertThrows(PcapException.class, () -> PcapDevice.open("sspcapnone0", MAC, 1500));
        assertTrue(EnumSet.of(Reason.NO_SUCH_INTERFACE, Reason.PERMISSION_DENIED, Reason.LIBPCAP_MISSING)
                .contains(e.reason()), e.reason() + ": " + e.getMessage());
        if (e.reason() != Reason.LIBPCAP_MISSING) {
            assertTrue(e.getMessage().contains("'sspcapnone0'"), e.getMessage());
        }
    }
}
