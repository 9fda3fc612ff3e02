package org.sockstack.spi.wsa;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * The Winsock error codes with their numeric values (winsock2.h / winerror.h). Providers report
 * them through an out-parameter (an {@link IntRef}, like WSP's {@code lpErrno}); the API turns them
 * into WSAGetLastError values. Values are part of the contract: applications compare numbers.
 */
public final class WsaError {
    public static final int OK = 0;

    public static final int WSA_INVALID_HANDLE = 6;
    public static final int WSA_NOT_ENOUGH_MEMORY = 8;
    public static final int WSA_INVALID_PARAMETER = 87;
    public static final int WSA_OPERATION_ABORTED = 995;
    public static final int WSA_IO_INCOMPLETE = 996;
    public static final int WSA_IO_PENDING = 997;

    public static final int WSAEINTR = 10004;
    public static final int WSAEBADF = 10009;
    public static final int WSAEACCES = 10013;
    public static final int WSAEFAULT = 10014;
    public static final int WSAEINVAL = 10022;
    public static final int WSAEMFILE = 10024;
    public static final int WSAEWOULDBLOCK = 10035;
    public static final int WSAEINPROGRESS = 10036;
    public static final int WSAEALREADY = 10037;
    public static final int WSAENOTSOCK = 10038;
    public static final int WSAEDESTADDRREQ = 10039;
    public static final int WSAEMSGSIZE = 10040;
    public static final int WSAEPROTOTYPE = 10041;
    public static final int WSAENOPROTOOPT = 10042;
    public static final int WSAEPROTONOSUPPORT = 10043;
    public static final int WSAESOCKTNOSUPPORT = 10044;
    public static final int WSAEOPNOTSUPP = 10045;
    public static final int WSAEPFNOSUPPORT = 10046;
    public static final int WSAEAFNOSUPPORT = 10047;
    public static final int WSAEADDRINUSE = 10048;
    public static final int WSAEADDRNOTAVAIL = 10049;
    public static final int WSAENETDOWN = 10050;
    public static final int WSAENETUNREACH = 10051;
    public static final int WSAENETRESET = 10052;
    public static final int WSAECONNABORTED = 10053;
    public static final int WSAECONNRESET = 10054;
    public static final int WSAENOBUFS = 10055;
    public static final int WSAEISCONN = 10056;
    public static final int WSAENOTCONN = 10057;
    public static final int WSAESHUTDOWN = 10058;
    public static final int WSAETOOMANYREFS = 10059;
    public static final int WSAETIMEDOUT = 10060;
    public static final int WSAECONNREFUSED = 10061;
    public static final int WSAELOOP = 10062;
    public static final int WSAENAMETOOLONG = 10063;
    public static final int WSAEHOSTDOWN = 10064;
    public static final int WSAEHOSTUNREACH = 10065;
    public static final int WSAENOTEMPTY = 10066;
    public static final int WSAEPROCLIM = 10067;
    public static final int WSAEUSERS = 10068;
    public static final int WSAEDQUOT = 10069;
    public static final int WSAESTALE = 10070;
    public static final int WSAEREMOTE = 10071;
    public static final int WSASYSNOTREADY = 10091;
    public static final int WSAVERNOTSUPPORTED = 10092;
    public static final int WSANOTINITIALISED = 10093;
    public static final int WSAEDISCON = 10101;
    public static final int WSAENOMORE = 10102;
    public static final int WSAECANCELLED = 10103;
    public static final int WSAEINVALIDPROCTABLE = 10104;
    public static final int WSAEINVALIDPROVIDER = 10105;
    public static final int WSAEPROVIDERFAILEDINIT = 10106;
    public static final int WSASYSCALLFAILURE = 10107;
    public static final int WSASERVICE_NOT_FOUND = 10108;
    public static final int WSATYPE_NOT_FOUND = 10109;
    public static final int WSA_E_NO_MORE = 10110;
    public static final int WSA_E_CANCELLED = 10111;
    public static final int WSAEREFUSED = 10112;
    public static final int WSAHOST_NOT_FOUND = 11001;
    public static final int WSATRY_AGAIN = 11002;
    public static final int WSANO_RECOVERY = 11003;
    public static final int WSANO_DATA = 11004;
    public static final int WSA_QOS_RECEIVERS = 11005;
    public static final int WSA_QOS_SENDERS = 11006;
    public static final int WSA_QOS_NO_SENDERS = 11007;
    public static final int WSA_QOS_NO_RECEIVERS = 11008;
    public static final int WSA_QOS_REQUEST_CONFIRMED = 11009;
    public static final int WSA_QOS_ADMISSION_FAILURE = 11010;
    public static final int WSA_QOS_POLICY_FAILURE = 11011;
    public static final int WSA_QOS_BAD_STYLE = 11012;
    public static final int WSA_QOS_BAD_OBJECT = 11013;
    public static final int WSA_QOS_TRAFFIC_CTRL_ERROR = 11014;
    public static final int WSA_QOS_GENERIC_ERROR = 11015;
    public static final int WSA_QOS_ESERVICETYPE = 11016;
    public static final int WSA_QOS_EFLOWSPEC = 11017;
    public static final int WSA_QOS_EPROVSPECBUF = 11018;
    public static final int WSA_QOS_EFILTERSTYLE = 11019;
    public static final int WSA_QOS_EFILTERTYPE = 11020;
    public static final int WSA_QOS_EFILTERCOUNT = 11021;
    public static final int WSA_QOS_EOBJLENGTH = 11022;
    public static final int WSA_QOS_EFLOWCOUNT = 11023;
    public static final int WSA_QOS_EUNKOWNPSOBJ = 11024;
    public static final int WSA_QOS_EPOLICYOBJ = 11025;
    public static final int WSA_QOS_EFLOWDESC = 11026;
    public static final int WSA_QOS_EPSFLOWSPEC = 11027;
    public static final int WSA_QOS_EPSFILTERSPEC = 11028;
    public static final int WSA_QOS_ESDMODEOBJ = 11029;
    public static final int WSA_QOS_ESHAPERATEOBJ = 11030;
    public static final int WSA_QOS_RESERVED_PETYPE = 11031;

    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        for (Field f : WsaError.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    NAMES.putIfAbsent(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private WsaError() {
    }

    /** The symbolic name of {@code code} ("WSAEWOULDBLOCK"), or the number as text. */
    public static String name(int code) {
        String n = NAMES.get(code);
        return n != null ? n : Integer.toString(code);
    }

    /** True if {@code code} is one of the codes defined here. */
    public static boolean isDefined(int code) {
        return NAMES.containsKey(code);
    }
}
