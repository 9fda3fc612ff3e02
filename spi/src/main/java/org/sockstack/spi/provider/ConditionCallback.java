package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.Ref;
import org.sockstack.spi.wsa.SockAddr;

/**
 * The condition function of WSAAccept: decides on a pending connection from the caller's
 * address, connect data and QoS, returning CF_ACCEPT, CF_REJECT or CF_DEFER; it may fill the
 * callee data and the group.
 */
@FunctionalInterface
public interface ConditionCallback {
    int decide(SockAddr callerId, byte[] callerData, Qos sqos, Qos gqos, SockAddr calleeId, Ref<byte[]> calleeData,
               Ref<Integer> group);
}
