package org.sockstack.testbed.layers;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.layered.Invocation;
import org.sockstack.spi.layered.LayeredProvider;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.wsa.IntRef;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The example layered service provider of docs/layered-provider.md: it counts the octets every
 * socket of the process sends and receives, whatever provider lies below it. Every call of the
 * SPI passes through {@link #around}; the data calls report their byte count in the
 * {@link IntRef} that follows their buffers (lpNumberOfBytesSent / lpNumberOfBytesRecvd).
 */
public final class ByteCounterLayer extends LayeredProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-00b7-4a53-8b00-627974657321");
    private static final Set<String> SENDS = Set.of("send", "sendTo", "sendMsg");
    private static final Set<String> RECEIVES = Set.of("recv", "recvFrom", "recvMsg");

    private final AtomicLong sent;
    private final AtomicLong received;

    ByteCounterLayer(ProviderLoader loader, AtomicLong sent, AtomicLong received) {
        super(PROVIDER_ID, loader);
        this.sent = sent;
        this.received = received;
    }

    @Override
    protected long around(Invocation call) {
        long result = call.proceed();                       // the layer below does the work
        boolean data = SENDS.contains(call.name()) || RECEIVES.contains(call.name());
        if (data && result == 0 && call.args()[1] instanceof IntRef bytes) {
            (SENDS.contains(call.name()) ? sent : received).addAndGet(bytes.value);
        }
        return result;                                      // the application sees what it would have
    }

    /** What ws2_32 loads for the layer's catalog entries; the counters are shared by its instances. */
    public static final class Factory implements TransportProviderFactory {
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong received = new AtomicLong();

        public long bytesSent() {
            return sent.get();
        }

        public long bytesReceived() {
            return received.get();
        }

        @Override
        public UUID providerId() {
            return PROVIDER_ID;
        }

        @Override
        public List<ProtocolInfo> protocolEntries() {
            return List.of(); // a layer's entries are made by installProviderAndChains
        }

        @Override
        public TransportProvider create(ProviderLoader loader) {
            return new ByteCounterLayer(loader, sent, received);
        }
    }
}
