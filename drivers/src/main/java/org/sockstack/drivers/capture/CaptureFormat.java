package org.sockstack.drivers.capture;

import java.nio.file.Path;

/** The two capture file formats Wireshark, tshark and tcpdump read. */
public enum CaptureFormat {
    /** The classic libpcap format: one global header, then one record per frame. */
    PCAP(".pcap"),
    /** pcapng (draft-ietf-opsawg-pcapng): typed blocks with options, several interfaces per file. */
    PCAPNG(".pcapng");

    private final String extension;

    CaptureFormat(String extension) {
        this.extension = extension;
    }

    /** The usual file name extension, with its dot. */
    public String extension() {
        return extension;
    }

    /** PCAPNG for a name ending in {@code .pcapng} or {@code .ntar}, PCAP otherwise. */
    public static CaptureFormat forFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.endsWith(".pcapng") || name.endsWith(".ntar") ? PCAPNG : PCAP;
    }
}
