package org.sockstack.testbed.apps;

import org.sockstack.api.Winsock;
import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.host.HostProvider;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.stack.Stack;

/**
 * The two ws2_32 processes the applications run in: one whose catalog holds only the host
 * provider (the JDK's sockets, so the host's TCP/IP stack), and one whose catalog holds only the
 * stack provider over a given user-space {@link Stack}. The applications never know which.
 */
public final class Processes {
    private Processes() {
    }

    /** A process over the host provider. */
    public static Winsock host() {
        Catalog c = new Catalog();
        c.installProvider(HostProvider.PROVIDER_ID, HostProvider.Factory.class.getName(), HostProvider.entries());
        return new Winsock(new Ws2Process(c, new ProviderRegistry(false).register(new HostProvider.Factory())));
    }

    /** A process over the stack provider on {@code stack} (its event loop running). */
    public static Winsock stack(Stack stack) {
        Catalog c = new Catalog();
        c.installProvider(StackProvider.PROVIDER_ID, StackProvider.Factory.class.getName(), StackProvider.entries());
        return new Winsock(new Ws2Process(c, new ProviderRegistry(false).register(new StackProvider.Factory(stack))));
    }
}
