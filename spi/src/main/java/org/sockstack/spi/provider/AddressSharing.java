package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.WsaError;

/**
 * Windows' rules for binding a second socket to a transport address (protocol, address, port)
 * another socket of the same protocol already holds, after Microsoft's "Using SO_REUSEADDR and
 * SO_EXCLUSIVEADDRUSE" (Windows Server 2003 and later, "enhanced socket security") and the same
 * table in "Sharing Transport Addresses" (WSK). "Wildcard" is a bind to 0.0.0.0 / ::, "specific"
 * one to an address of the host; two different specific addresses never share anything, so the
 * table only speaks of the same specific address or of a wildcard overlapping it.
 *
 * <pre>
 *                                  first socket bound with
 *  second bind             default         SO_REUSEADDR     SO_EXCLUSIVEADDRUSE
 *                         wild   spec      wild   spec      wild   spec
 *  default       wild     INUSE  OK        INUSE  OK        INUSE  OK
 *                spec     OK*    INUSE     OK*    ACCESS    ACCESS INUSE
 *  SO_REUSEADDR  wild     ACCESS OK        OK     OK        ACCESS OK
 *                spec     OK*    ACCESS    OK     OK        ACCESS ACCESS
 *  SO_EXCLUSIVE- wild     INUSE  INUSE     INUSE  INUSE     INUSE  INUSE
 *  ADDRUSE       spec     OK*    INUSE     OK*    INUSE     ACCESS INUSE
 * </pre>
 * INUSE is WSAEADDRINUSE, ACCESS is WSAEACCES. OK* is the table's "CHECK": an access check of the
 * second socket's owner against the first socket's security descriptor, which succeeds when both
 * belong to the same user, as every socket of one JVM does. A socket cannot have both options
 * (the second setsockopt fails with WSAEINVAL). The rules hold between the sockets of one
 * provider instance (one process); between processes the host provider gets the host kernel's
 * rules and two stack processes have separate stacks.
 */
final class AddressSharing {
    static final int DEFAULT = 0;
    static final int REUSE = 1;
    static final int EXCLUSIVE = 2;

    private static final int OK = 0;
    private static final int INUSE = WsaError.WSAEADDRINUSE;
    private static final int ACCESS = WsaError.WSAEACCES;

    /** [second mode * 2 + second wildcard ? 0 : 1][first mode * 2 + first wildcard ? 0 : 1]. */
    private static final int[][] TABLE = {
        {INUSE, OK, INUSE, OK, INUSE, OK},
        {OK, INUSE, OK, ACCESS, ACCESS, INUSE},
        {ACCESS, OK, OK, OK, ACCESS, OK},
        {OK, ACCESS, OK, OK, ACCESS, ACCESS},
        {INUSE, INUSE, INUSE, INUSE, INUSE, INUSE},
        {OK, INUSE, OK, INUSE, ACCESS, INUSE},
    };

    private AddressSharing() {
    }

    /** The outcome of the second bind: 0, WSAEADDRINUSE or WSAEACCES. */
    static int secondBind(int firstMode, boolean firstWildcard, int secondMode, boolean secondWildcard) {
        return TABLE[secondMode * 2 + (secondWildcard ? 0 : 1)][firstMode * 2 + (firstWildcard ? 0 : 1)];
    }
}
