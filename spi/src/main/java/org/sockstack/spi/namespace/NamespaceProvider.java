package org.sockstack.spi.namespace;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;

/**
 * A namespace service provider: the NSP routine table. Calls return 0 or
 * {@link org.sockstack.spi.wsa.Wsa#SOCKET_ERROR} with the error in {@code errno}.
 */
public interface NamespaceProvider {
    /** NSPStartup: counted; every success needs an {@link #cleanup}. */
    int startup(IntRef errno);

    /** NSPCleanup: WSANOTINITIALISED without a matching startup. */
    int cleanup(IntRef errno);

    /** NSPLookupServiceBegin: a lookup handle for the restrictions. */
    int lookupServiceBegin(QuerySet restrictions, int controlFlags, Ref<Long> lookup, IntRef errno);

    /**
     * NSPLookupServiceNext: the next result, with the fields LUP_RETURN_* ask for. WSA_E_NO_MORE
     * when there are no more; WSASERVICE_NOT_FOUND if the lookup found nothing at all.
     */
    int lookupServiceNext(long lookup, int controlFlags, Ref<QuerySet> result, IntRef errno);

    /** NSPLookupServiceEnd: frees the handle (a Next in progress elsewhere ends with WSA_E_CANCELLED). */
    int lookupServiceEnd(long lookup, IntRef errno);

    /** NSPSetService: RNRSERVICE_REGISTER, RNRSERVICE_DEREGISTER or RNRSERVICE_DELETE. */
    int setService(QuerySet service, int operation, int flags, IntRef errno);

    /** NSPInstallServiceClass; WSAEOPNOTSUPP where the provider keeps no classes. */
    default int installServiceClass(java.util.UUID serviceClassId, String name, IntRef errno) {
        errno.value = org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
        return org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
    }

    default int removeServiceClass(java.util.UUID serviceClassId, IntRef errno) {
        errno.value = org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
        return org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
    }

    default int ioctl(long lookup, int code, byte[] in, byte[] out, IntRef bytesReturned, IntRef errno) {
        errno.value = org.sockstack.spi.wsa.WsaError.WSAEOPNOTSUPP;
        return org.sockstack.spi.wsa.Wsa.SOCKET_ERROR;
    }
}
