package org.sockstack.spi.namespace;

import org.sockstack.spi.wsa.SockAddr;

/** CSADDR_INFO: a transport address a service is reached at, with its socket type and protocol. */
public record CsAddrInfo(SockAddr localAddr, SockAddr remoteAddr, int socketType, int protocol) { }
