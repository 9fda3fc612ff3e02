/**
 * The Winsock 2 service provider architecture (ws2_32 and the SPI), for the api module.
 *
 * <h2>What the api module calls</h2>
 * <ul>
 *   <li>{@link org.sockstack.spi.Ws2Process}: one per application "process".
 *       {@code open(CatalogFile, ProviderRegistry)} or {@code new Ws2Process(catalog, registry)};
 *       {@code startup(version, WsaData)} / {@code cleanup()} (WSAStartup / WSACleanup, counted);
 *       {@code socket(af, type, protocol, protocolInfo, group, flags, errno)} (WSASocket; socket() is
 *       WSASocket with {@code WSA_FLAG_OVERLAPPED}); {@code enumProtocols(protocols, errno)}
 *       (WSAEnumProtocols); {@code provider(s, errno)} returns the
 *       {@link org.sockstack.spi.provider.TransportProvider} every other socket call goes to;
 *       {@code associate(s, port, key)} (CreateIoCompletionPort).</li>
 *   <li>{@link org.sockstack.spi.provider.TransportProvider}: the WSP calls. Each returns 0 (or a
 *       count / handle) or SOCKET_ERROR / INVALID_SOCKET with the code in the {@code errno}
 *       out-parameter; the api sets the thread's last error from it.</li>
 *   <li>Objects the api hands to providers: {@link org.sockstack.spi.provider.WsaEvent} (WSAEVENT),
 *       {@link org.sockstack.spi.provider.Overlapped}, {@link org.sockstack.spi.provider.CompletionRoutine}
 *       (run by {@link org.sockstack.spi.provider.ApcQueue#alertableWait}, i.e. SleepEx /
 *       alertable waits), {@link org.sockstack.spi.provider.CompletionPort},
 *       {@link org.sockstack.spi.provider.AsyncWindow} (WSAAsyncSelect's window),
 *       {@link org.sockstack.spi.provider.FdSet}, {@link org.sockstack.spi.provider.NetworkEvents}.</li>
 *   <li>Codes and constants: {@link org.sockstack.spi.wsa.WsaError}, {@link org.sockstack.spi.wsa.Wsa};
 *       addresses as {@link org.sockstack.spi.wsa.SockAddr} (sockaddr bytes with a length).</li>
 *   <li>Configuration (the WSC* calls): {@link org.sockstack.spi.catalog.Catalog},
 *       {@link org.sockstack.spi.catalog.CatalogFile}, {@link org.sockstack.spi.ProviderRegistry}.</li>
 *   <li>Names: {@link org.sockstack.spi.namespace.Namespaces} (WSALookupServiceBegin/Next/End over a
 *       {@link org.sockstack.spi.namespace.NamespaceCatalog}) and
 *       {@link org.sockstack.spi.namespace.HostsFileProvider}, then (in the default namespace catalog)
 *       {@link org.sockstack.spi.namespace.dns.DnsNamespaceProvider}: a DNS stub resolver
 *       ({@link org.sockstack.spi.namespace.dns.DnsResolver}) over the user-space stack's UDP and TCP.</li>
 * </ul>
 *
 * <h2>Providers</h2>
 * Base providers extend {@link org.sockstack.spi.provider.BaseTransportProvider} over a
 * {@link org.sockstack.spi.provider.NetBackend}: {@link org.sockstack.spi.stack.StackProvider}
 * (the user-space stack, every call on its event loop) and {@link org.sockstack.spi.host.HostProvider}
 * (JDK NIO). Layers extend {@link org.sockstack.spi.layered.LayeredProvider}; shipped:
 * {@link org.sockstack.spi.layered.InspectorProvider} and
 * {@link org.sockstack.spi.layered.FaultInjectorProvider}.
 */
package org.sockstack.spi;
