package org.sockstack.spi.catalog;

/** XP1_* service flags of a protocol entry ({@code dwServiceFlags1}). */
public final class ServiceFlags {
    public static final int XP1_CONNECTIONLESS = 0x1;
    public static final int XP1_GUARANTEED_DELIVERY = 0x2;
    public static final int XP1_GUARANTEED_ORDER = 0x4;
    public static final int XP1_MESSAGE_ORIENTED = 0x8;
    public static final int XP1_PSEUDO_STREAM = 0x10;
    public static final int XP1_GRACEFUL_CLOSE = 0x20;
    public static final int XP1_EXPEDITED_DATA = 0x40;
    public static final int XP1_CONNECT_DATA = 0x80;
    public static final int XP1_DISCONNECT_DATA = 0x100;
    public static final int XP1_SUPPORT_BROADCAST = 0x200;
    public static final int XP1_SUPPORT_MULTIPOINT = 0x400;
    public static final int XP1_MULTIPOINT_CONTROL_PLANE = 0x800;
    public static final int XP1_MULTIPOINT_DATA_PLANE = 0x1000;
    public static final int XP1_QOS_SUPPORTED = 0x2000;
    public static final int XP1_INTERRUPT = 0x4000;
    public static final int XP1_UNI_SEND = 0x8000;
    public static final int XP1_UNI_RECV = 0x10000;
    public static final int XP1_IFS_HANDLES = 0x20000;
    public static final int XP1_PARTIAL_MESSAGE = 0x40000;
    public static final int XP1_SAN_SUPPORT_SDP = 0x80000;

    /** What a TCP entry offers (Windows' TCP/IP entries). */
    public static final int TCP = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE
            | XP1_EXPEDITED_DATA | XP1_IFS_HANDLES;
    /** What a UDP (and raw IP) entry offers. */
    public static final int UDP = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST
            | XP1_SUPPORT_MULTIPOINT | XP1_IFS_HANDLES;

    private ServiceFlags() {
    }
}
