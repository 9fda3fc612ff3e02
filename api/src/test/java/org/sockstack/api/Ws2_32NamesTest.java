package org.sockstack.api;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every name-service call of {@link Winsock} has its static twin in {@link Ws2_32}. */
class Ws2_32NamesTest {
    static final List<String> CALLS = List.of("getaddrinfo", "GetAddrInfoW", "freeaddrinfo", "FreeAddrInfoW",
            "getnameinfo", "GetNameInfoW", "gai_strerror", "gethostbyname", "gethostbyaddr", "gethostname",
            "getservbyname", "getservbyport", "getprotobyname", "getprotobynumber", "WSAAddressToString",
            "WSAStringToAddress", "WSAEnumProtocols", "WSAEnumNameSpaceProviders", "WSALookupServiceBegin",
            "WSALookupServiceNext", "WSALookupServiceEnd");

    @Test
    void staticMirrorHasEveryNameCall() throws Exception {
        int found = 0;
        for (Method m : Winsock.class.getMethods()) {
            if (!CALLS.contains(m.getName())) {
                continue;
            }
            Method twin = Ws2_32.class.getMethod(m.getName(), m.getParameterTypes());
            assertTrue(Modifier.isStatic(twin.getModifiers()), m.getName());
            assertEquals(m.getReturnType(), twin.getReturnType(), m.getName());
            found++;
        }
        assertEquals(CALLS.size(), found, "each call once");
    }
}
