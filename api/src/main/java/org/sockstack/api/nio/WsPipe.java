package org.sockstack.api.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;

/**
 * A {@link Pipe} made of a TCP connection over the loopback address (127.0.0.1) of the Winsock
 * process, as the JDK once built its pipes on Windows: the sink writes into one end, the source
 * reads the other. Each end delegates to its {@link WsSocketChannel}; a provider without a
 * loopback interface cannot make pipes (openPipe fails with the connect's exception).
 */
final class WsPipe extends Pipe {
    private final Source source;
    private final Sink sink;

    WsPipe(WinsockSelectorProvider provider) throws IOException {
        try (ServerSocketChannel listener = provider.openServerSocketChannel()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
            WsSocketChannel out = (WsSocketChannel) provider.openSocketChannel();
            WsSocketChannel in;
            try {
                out.connect(listener.getLocalAddress());
                in = (WsSocketChannel) listener.accept();
                out.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
            this.source = new Source(provider, in);
            this.sink = new Sink(provider, out);
        }
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    // The two ends extend different JDK classes (SourceChannel, SinkChannel), so each forwards
    // the same few calls to its connection itself: the selector, blocking mode and close.

    /** The reading end. */
    static final class Source extends SourceChannel implements WsChannel {
        private final WsSocketChannel ch;

        Source(WinsockSelectorProvider provider, WsSocketChannel ch) {
            super(provider);
            this.ch = ch;
        }

        @Override
        public ChannelSocket channelSocket() {
            return ch.channelSocket();
        }

        @Override
        public int translateReadySet(boolean read, boolean write, boolean except, int interest) {
            return ch.translateReadySet(read, write, except, interest);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return ch.read(dsts, offset, length);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return ch.read(dsts);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            ch.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            ch.configureBlocking(block);
        }
    }

    /** The writing end. */
    static final class Sink extends SinkChannel implements WsChannel {
        private final WsSocketChannel ch;

        Sink(WinsockSelectorProvider provider, WsSocketChannel ch) {
            super(provider);
            this.ch = ch;
        }

        @Override
        public ChannelSocket channelSocket() {
            return ch.channelSocket();
        }

        @Override
        public int translateReadySet(boolean read, boolean write, boolean except, int interest) {
            return ch.translateReadySet(read, write, except, interest);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return ch.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return ch.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return ch.write(srcs);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            ch.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            ch.configureBlocking(block);
        }
    }
}
