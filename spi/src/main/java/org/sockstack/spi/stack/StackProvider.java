package org.sockstack.spi.stack;

import org.sockstack.stack.Stack;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.BaseTransportProvider;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.provider.Upcalls;
import org.sockstack.spi.provider.WspData;
import org.sockstack.spi.wsa.WsaError;

import java.util.List;
import java.util.UUID;

/**
 * The base provider over the user-space stack: every call marshalled onto the stack's event loop
 * (see {@link StackBackend}).
 */
public final class StackProvider extends BaseTransportProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-0002-4a53-8b00-737461636b01");

    private final boolean ready;

    /** {@code stack} null makes a provider whose startup fails with WSASYSNOTREADY. */
    public StackProvider(Stack stack) {
        super(PROVIDER_ID, new StackBackend(stack));
        this.ready = stack != null;
    }

    @Override
    public int startup(int versionRequested, WspData data, ProtocolInfo info, Upcalls upcalls) {
        if (!ready) {
            return WsaError.WSASYSNOTREADY;
        }
        return super.startup(versionRequested, data, info, upcalls);
    }

    public static List<ProtocolInfo> entries() {
        return ProtocolInfo.ipEntries(PROVIDER_ID, "Sockstack stack");
    }

    /**
     * The factory. A program that builds its stack registers {@code new Factory(stack)}; the
     * class-path instance ({@link java.util.ServiceLoader}) uses the stack set with
     * {@link #setDefaultStack}, and without one its provider fails startup with WSASYSNOTREADY.
     */
    public static final class Factory implements TransportProviderFactory {
        private static volatile Stack defaultStack;
        private final Stack stack;

        public Factory() {
            this(null);
        }

        public Factory(Stack stack) {
            this.stack = stack;
        }

        public static void setDefaultStack(Stack s) {
            defaultStack = s;
        }

        @Override
        public UUID providerId() {
            return PROVIDER_ID;
        }

        @Override
        public List<ProtocolInfo> protocolEntries() {
            return entries();
        }

        @Override
        public TransportProvider create(ProviderLoader loader) {
            Stack s = stack != null ? stack : defaultStack;
            return new StackProvider(s);
        }
    }
}
