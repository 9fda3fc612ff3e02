package org.sockstack.spi.layered;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;
import org.sockstack.spi.wsa.WsaError;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A layer that records every call passing through it: name, socket, arguments, result, error and
 * the byte count of data calls. Records go to a sink (the default logs through
 * {@link System.Logger} at DEBUG).
 */
public final class InspectorProvider extends LayeredProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-0003-4a53-8b00-696e73706563");

    /** One recorded call. {@code bytes} is the data moved (-1 for calls that move none). */
    public record Call(String name, long socket, String arguments, long result, int error, long bytes) {
        @Override
        public String toString() {
            return name + "(" + (socket != Wsa.INVALID_SOCKET ? socket + ", " : "") + arguments + ") = " + result
                    + (error != 0 ? " [" + WsaError.name(error) + "]" : "") + (bytes >= 0 ? " bytes=" + bytes : "");
        }
    }

    private static final System.Logger LOG = System.getLogger(InspectorProvider.class.getName());
    private final Consumer<Call> sink;

    public InspectorProvider(ProviderLoader loader, Consumer<Call> sink) {
        super(PROVIDER_ID, loader);
        this.sink = sink;
    }

    @Override
    protected long around(Invocation call) {
        int errBefore = call.errno().value;
        long result = call.proceed();
        boolean failed = result == Wsa.SOCKET_ERROR || call.name().equals("socket") && result == Wsa.INVALID_SOCKET;
        int error = failed ? call.errno().value : 0;
        if (!failed) {
            call.errno().value = errBefore;
        }
        sink.accept(new Call(call.name(), call.socket(), describe(call.args()), result, error, bytes(call)));
        return result;
    }

    /** Bytes moved: the count out-parameter of send/recv calls (the IntRef after the buffers). */
    private static long bytes(Invocation call) {
        Object[] a = call.args();
        if (a.length >= 2 && a[0] instanceof ByteBuffer[] && a[1] instanceof IntRef n) {
            return n.value;
        }
        return -1;
    }

    private static String describe(Object[] args) {
        List<String> parts = new ArrayList<>();
        for (Object o : args) {
            if (o instanceof ByteBuffer[] bufs) {
                int n = 0;
                for (ByteBuffer b : bufs) {
                    n += b.remaining();
                }
                parts.add(bufs.length + " buffer(s)/" + n + " bytes");
            } else if (o instanceof byte[] b) {
                parts.add("byte[" + b.length + "]");
            } else if (o instanceof ProtocolInfo p) {
                parts.add("\"" + p.name() + "\"");
            } else {
                parts.add(String.valueOf(o));
            }
        }
        return String.join(", ", parts);
    }

    /** The factory; {@link #Factory()} logs, {@link #Factory(Consumer)} hands records to a sink. */
    public static final class Factory implements TransportProviderFactory {
        private final Consumer<Call> sink;

        public Factory() {
            this(c -> LOG.log(System.Logger.Level.DEBUG, c::toString));
        }

        public Factory(Consumer<Call> sink) {
            this.sink = sink;
        }

        @Override
        public UUID providerId() {
            return PROVIDER_ID;
        }

        @Override
        public List<ProtocolInfo> protocolEntries() {
            return List.of();
        }

        @Override
        public TransportProvider create(ProviderLoader loader) {
            return new InspectorProvider(loader, sink);
        }
    }
}
