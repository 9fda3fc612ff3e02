package org.sockstack.spi.namespace;

import java.util.UUID;

/** Namespace constants: NS_* name spaces, LUP_* control flags, RNRSERVICE_* operations, SVCID_* classes. */
public final class Ns {
    private Ns() {
    }

    public static final int NS_ALL = 0;
    public static final int NS_DNS = 12;
    public static final int NS_NLA = 15;

    public static final int LUP_DEEP = 0x0001;
    public static final int LUP_CONTAINERS = 0x0002;
    public static final int LUP_NOCONTAINERS = 0x0004;
    public static final int LUP_RETURN_NAME = 0x0010;
    public static final int LUP_RETURN_TYPE = 0x0020;
    public static final int LUP_RETURN_VERSION = 0x0040;
    public static final int LUP_RETURN_COMMENT = 0x0080;
    public static final int LUP_RETURN_ADDR = 0x0100;
    public static final int LUP_RETURN_BLOB = 0x0200;
    public static final int LUP_RETURN_ALIASES = 0x0400;
    public static final int LUP_RETURN_QUERY_STRING = 0x0800;
    public static final int LUP_RETURN_ALL = 0x0FF0;
    public static final int LUP_FLUSHCACHE = 0x1000;
    public static final int LUP_FLUSHPREVIOUS = 0x2000;

    public static final int RNRSERVICE_REGISTER = 0;
    public static final int RNRSERVICE_DEREGISTER = 1;
    public static final int RNRSERVICE_DELETE = 2;

    /** The classes the getXbyY calls look up (svcguid.h). */
    public static final UUID SVCID_HOSTNAME = UUID.fromString("0002a800-0000-0000-c000-000000000046");
    public static final UUID SVCID_INET_HOSTADDRBYINETSTRING = UUID.fromString("0002a801-0000-0000-c000-000000000046");
    public static final UUID SVCID_INET_SERVICEBYNAME = UUID.fromString("0002a802-0000-0000-c000-000000000046");
    public static final UUID SVCID_INET_HOSTADDRBYNAME = UUID.fromString("0002a803-0000-0000-c000-000000000046");
}
