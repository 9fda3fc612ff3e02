/**
 * Java NIO over Winsock: a {@link java.nio.channels.spi.SelectorProvider} whose channels and
 * selectors are built on a {@link org.sockstack.api.Winsock} process, so unmodified NIO code runs
 * over any Winsock provider (the user-space stack or the host stack).
 *
 * <p>Choose it by configuration ({@code -Djava.nio.channels.spi.SelectorProvider=}
 * {@link org.sockstack.api.nio.WinsockSelectorProvider}, see that class for how it finds its
 * process) or directly: {@code new WinsockSelectorProvider(winsock).openSocketChannel()}.
 */
package org.sockstack.api.nio;
