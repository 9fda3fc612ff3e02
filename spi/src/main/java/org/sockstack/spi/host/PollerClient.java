package org.sockstack.spi.host;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/** A socket the host poller serves: told on the poller thread when its key is ready. */
interface PollerClient {
    void onReady(SelectionKey key, ByteBuffer scratch);
}
