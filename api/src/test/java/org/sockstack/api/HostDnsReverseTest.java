package org.sockstack.api;

import org.sockstack.stack.Stack;

/** Reverse DNS lookups for a process over the host provider (the DNS provider still runs on a stack). */
class HostDnsReverseTest extends DnsReverseBehaviour {
    @Override
    Winsock process(Stack resolverStack) {
        return Worlds.hostProcess();
    }
}
