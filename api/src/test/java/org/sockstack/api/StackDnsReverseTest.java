package org.sockstack.api;

import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.stack.Stack;

/** Reverse DNS lookups for a process over the stack provider of the resolver's own stack. */
class StackDnsReverseTest extends DnsReverseBehaviour {
    @Override
    Winsock process(Stack resolverStack) {
        Catalog c = new Catalog();
        c.installProvider(StackProvider.PROVIDER_ID, StackProvider.Factory.class.getName(), StackProvider.entries());
        return new Winsock(new Ws2Process(c,
                new ProviderRegistry(false).register(new StackProvider.Factory(resolverStack))));
    }
}
