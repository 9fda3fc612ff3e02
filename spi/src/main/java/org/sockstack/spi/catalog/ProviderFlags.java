package org.sockstack.spi.catalog;

/** PFL_* provider flags of a protocol entry ({@code dwProviderFlags}). */
public final class ProviderFlags {
    public static final int PFL_MULTIPLE_PROTO_ENTRIES = 0x1;
    public static final int PFL_RECOMMENDED_PROTO_ENTRY = 0x2;
    /** Not listed by WSAEnumProtocols (still selectable by socket()). */
    public static final int PFL_HIDDEN = 0x4;
    /** socket(..., protocol 0) may pick this entry. */
    public static final int PFL_MATCHES_PROTOCOL_ZERO = 0x8;
    public static final int PFL_NETWORKDIRECT_PROVIDER = 0x10;

    private ProviderFlags() {
    }
}
