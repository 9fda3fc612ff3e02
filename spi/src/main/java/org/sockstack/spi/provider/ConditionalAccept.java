package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

/**
 * WSPAccept on a listener with SO_CONDITIONAL_ACCEPT whose backend holds SYNs: the condition
 * function sees the request before the handshake. It gets the caller's address and, from a TCP
 * provider, no caller data and no QoS (TCP has neither); no condition function means CF_ACCEPT.
 */
final class ConditionalAccept {
    private ConditionalAccept() {
    }

    /**
     * Asks {@code condition} about {@code request} and carries out its answer: the accepted socket,
     * or null with WSATRY_AGAIN (CF_DEFER: the request stays held, the next call sees it again),
     * WSAECONNREFUSED (CF_REJECT: a RST answers the SYN), WSAEINVAL (any other value: rejected
     * too) or the backend's error (the client went away meanwhile) in {@code errno}.
     */
    static NetStreamSocket decide(NetStreamSocket.HeldRequest request, ConditionCallback condition, IntRef errno) {
        int decision = Wsa.CF_ACCEPT;
        if (condition != null) {
            decision = condition.decide(SockAddr.inet(request.remoteAddress()), null, null, null,
                    SockAddr.inet(request.localAddress()), new Ref<>(), new Ref<>(0));
        }
        if (decision == Wsa.CF_DEFER) {
            errno.value = WsaError.WSATRY_AGAIN;
            return null;
        }
        if (decision != Wsa.CF_ACCEPT) {
            request.reject();
            errno.value = decision == Wsa.CF_REJECT ? WsaError.WSAECONNREFUSED : WsaError.WSAEINVAL;
            return null;
        }
        return request.accept(errno);
    }
}
