package org.sockstack.drivers.pcap;

import java.util.Objects;

/**
 * Opening or using a live capture failed. {@link #reason()} classifies the failure; the message
 * names the interface and says what to do.
 */
public final class PcapException extends RuntimeException {

    /** Why a capture could not be opened. */
    public enum Reason {
        /** libpcap (Debian package {@code libpcap0.8}) or its Java binding cannot be loaded. */
        LIBPCAP_MISSING,
        /** No interface of that name in the calling thread's network namespace. */
        NO_SUCH_INTERFACE,
        /** Capturing needs root or CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode). */
        PERMISSION_DENIED,
        /** The interface exists but is down. */
        INTERFACE_DOWN,
        /** The interface is not Ethernet (e.g. {@code any} or a raw IP tunnel). */
        NOT_ETHERNET,
        /** The BPF filter expression does not compile. */
        BAD_FILTER,
        /** The name is empty or longer than an interface name can be. */
        BAD_NAME,
        /** Anything else libpcap reports. */
        OTHER
    }

    /** {@code PCAP_ERROR_NO_SUCH_DEVICE} from {@code <pcap/pcap.h>}. */
    static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    /** {@code PCAP_ERROR_PERM_DENIED}. */
    static final int PCAP_ERROR_PERM_DENIED = -8;
    /** {@code PCAP_ERROR_IFACE_NOT_UP}. */
    static final int PCAP_ERROR_IFACE_NOT_UP = -9;
    /** {@code PCAP_ERROR_PROMISC_PERM_DENIED}. */
    static final int PCAP_ERROR_PROMISC_PERM_DENIED = -11;

    private final Reason reason;

    public PcapException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public PcapException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Translates the failure of {@code pcap_create}/{@code pcap_activate} on {@code ifname}:
     * {@code returnCode} is libpcap's (null if unknown), {@code detail} its error text.
     */
    static PcapException openFailed(String ifname, Integer returnCode, String detail) {
        String what = "cannot capture on interface '" + ifname + "'";
        String pcapSays = detail == null || detail.isBlank() ? "" : " (libpcap: " + detail.trim() + ")";
        int rc = returnCode == null ? 0 : returnCode;
        return switch (rc) {
            case PCAP_ERROR_NO_SUCH_DEVICE -> new PcapException(Reason.NO_SUCH_INTERFACE,
                    what + ": no such interface in this network namespace; list them with 'ip link'" + pcapSays);
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED -> new PcapException(Reason.PERMISSION_DENIED,
                    what + ": permission denied; run as root or grant CAP_NET_RAW and CAP_NET_ADMIN"
                            + " (setcap cap_net_raw,cap_net_admin+ep on the java binary)" + pcapSays);
            case PCAP_ERROR_IFACE_NOT_UP -> new PcapException(Reason.INTERFACE_DOWN,
                    what + ": the interface is down; bring it up with 'ip link set dev " + ifname + " up'" + pcapSays);
            default -> new PcapException(Reason.OTHER, what + pcapSays);
        };
    }

    /** The native library could not be loaded: pcap4j reports this as a {@link LinkageError}. */
    static PcapException libpcapMissing(LinkageError error) {
        return new PcapException(Reason.LIBPCAP_MISSING,
                "libpcap cannot be loaded: install it (Debian/Ubuntu: apt-get install libpcap0.8;"
                        + " Fedora: dnf install libpcap) or point -Dorg.pcap4j.core.pcapLibName at libpcap.so"
                        + " (" + error + ")", error);
    }

    static PcapException notEthernet(String ifname, String linkType) {
        return new PcapException(Reason.NOT_ETHERNET,
                "interface '" + ifname + "' is not an Ethernet interface (link type " + linkType + ")");
    }

    static PcapException badFilter(String ifname, String filter, String detail) {
        return new PcapException(Reason.BAD_FILTER,
                "BPF filter '" + filter + "' for interface '" + ifname + "' does not compile: " + detail);
    }

    static PcapException badName(String ifname) {
        return new PcapException(Reason.BAD_NAME,
                "interface name must be 1-15 characters without '/' or spaces: '" + ifname + "'");
    }
}
