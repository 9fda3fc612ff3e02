package org.sockstack.api;

import org.sockstack.spi.wsa.WsaError;

/**
 * gai_strerror's texts. On Windows gai_strerror is FormatMessage of the code, so an EAI_* code
 * reads as the system message of its WSA code; these are those messages.
 */
final class GaiMessages {
    private GaiMessages() {
    }

    static String of(int code) {
        return switch (code) {
            case 0 -> "The operation completed successfully.";
            case WsaError.WSATRY_AGAIN -> "This is usually a temporary error during hostname resolution and means "
                    + "that the local server did not receive a response from an authoritative server.";
            case WsaError.WSAEINVAL -> "An invalid argument was supplied.";
            case WsaError.WSANO_RECOVERY -> "A non-recoverable error occurred during a database lookup.";
            case WsaError.WSAEAFNOSUPPORT -> "An address incompatible with the requested protocol was used.";
            case WsaError.WSA_NOT_ENOUGH_MEMORY -> "Not enough memory resources are available to process this command.";
            case WsaError.WSAHOST_NOT_FOUND -> "No such host is known.";
            case WsaError.WSATYPE_NOT_FOUND -> "The specified class was not found.";
            case WsaError.WSAESOCKTNOSUPPORT ->
                    "The support for the specified socket type does not exist in this address family.";
            case WsaError.WSANO_DATA -> "The requested name is valid, but no data of the requested type was found.";
            case WsaError.WSANOTINITIALISED -> "Either the application has not called WSAStartup, or WSAStartup failed.";
            case WsaError.WSAEFAULT -> "The system detected an invalid pointer address in attempting to use a pointer "
                    + "argument in a call.";
            default -> "Unknown error " + code + ".";
        };
    }
}
