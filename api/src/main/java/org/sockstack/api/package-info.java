/**
 * The Winsock-style API applications call, over the SPI (never the stack).
 *
 * <ul>
 *   <li>{@link org.sockstack.api.Winsock}: the C functions with their names and return values
 *       (WSAStartup, WSACleanup, WSAGetLastError, socket, WSASocket, bind, listen, accept, connect,
 *       send, recv, sendto, recvfrom, shutdown, closesocket, getsockname, getpeername,
 *       setsockopt, getsockopt, ioctlsocket, select with FD_SET/FD_ISSET, inet_pton, inet_ntop),
 *       one instance per process over a {@link org.sockstack.spi.Ws2Process}.</li>
 *   <li>{@link org.sockstack.api.Ws2_32}: the same functions as statics over the default process
 *       ({@code Winsock.getDefault()}, chosen once), for {@code import static} in ported C code.</li>
 *   <li>{@link org.sockstack.api.WsSocket}: a Java facade, {@code AutoCloseable}, throwing
 *       {@link org.sockstack.api.WinsockException} with the WSA code.</li>
 * </ul>
 */
package org.sockstack.api;
