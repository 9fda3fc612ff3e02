package org.sockstack.spi.provider;

/**
 * The target of WSAAsyncSelect messages (a window handle in Windows): WPUPostMessage posts
 * {@code (msg, wParam = socket, lParam = WSAMAKESELECTREPLY(event, error))} to it. Must not block.
 */
@FunctionalInterface
public interface AsyncWindow {
    void post(int msg, long wParam, long lParam);
}
