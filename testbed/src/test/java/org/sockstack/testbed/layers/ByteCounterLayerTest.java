package org.sockstack.testbed.layers;

import org.junit.jupiter.api.Test;
import org.sockstack.api.Winsock;
import org.sockstack.spi.ProviderRegistry;
import org.sockstack.spi.Ws2Process;
import org.sockstack.spi.catalog.Catalog;
import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.stack.StackProvider;
import org.sockstack.testbed.apps.EchoClient;
import org.sockstack.testbed.apps.EchoServer;
import org.sockstack.testbed.apps.Processes;
import org.sockstack.testbed.apps.StackPair;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guide's example layer (docs/layered-provider.md): installed over the stack provider's TCP
 * entry and ordered first, it sees the echo client's bytes, and the unchanged client still works.
 */
class ByteCounterLayerTest {

    /** A ws2_32 process over {@code stack} whose catalog puts the byte counter above TCP/IP. */
    static Winsock layeredProcess(org.sockstack.stack.Stack stack, ByteCounterLayer.Factory counter) {
        // docs:catalog-begin
        Catalog catalog = new Catalog();
        catalog.installProvider(StackProvider.PROVIDER_ID, StackProvider.Factory.class.getName(), StackProvider.entries());
        int tcp = catalog.allEntries().stream().filter(p -> p.name().equals("Sockstack stack TCP/IP"))
                .findFirst().orElseThrow().catalogEntryId();
        // WSCInstallProviderAndChains: a hidden layered entry plus the chain [counter, stack TCP/IP].
        catalog.installProviderAndChains(ByteCounterLayer.PROVIDER_ID, ByteCounterLayer.Factory.class.getName(),
                "Byte counter", List.of(tcp));
        // WSCWriteProviderOrder: the chain goes first, so socket(AF_INET, SOCK_STREAM, 0) picks it.
        ProtocolInfo chain = catalog.allEntries().get(catalog.allEntries().size() - 1);
        List<Integer> order = new ArrayList<>(List.of(chain.catalogEntryId()));
        catalog.allEntries().stream().map(ProtocolInfo::catalogEntryId)
                .filter(id -> id != chain.catalogEntryId()).forEach(order::add);
        catalog.writeProviderOrder(order);
        ProviderRegistry providers = new ProviderRegistry(false)
                .register(new StackProvider.Factory(stack)).register(counter);
        return new Winsock(new Ws2Process(catalog, providers));
        // docs:catalog-end
    }

    @Test
    void countsTheEchoClientsBytesAndChangesNothingElse() {
        ByteCounterLayer.Factory counter = new ByteCounterLayer.Factory();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (StackPair pair = new StackPair();
             EchoServer server = EchoServer.start(Processes.stack(pair.b()), false,
                     StackPair.address("0.0.0.0"), 7)) {
            Winsock client = layeredProcess(pair.a(), counter);
            boolean ok = EchoClient.run(client, false, server.at(StackPair.address(StackPair.ADDRESS_B)),
                    List.of("hello", "layered world"), new PrintStream(text, true, StandardCharsets.UTF_8));
            assertTrue(ok, text.toString(StandardCharsets.UTF_8));
        }
        assertEquals("hello".length() + "layered world".length(), counter.bytesSent());
        assertEquals(counter.bytesSent(), counter.bytesReceived());
    }

    @Test
    void aLayerOverTcpLeavesUdpAlone() {
        ByteCounterLayer.Factory counter = new ByteCounterLayer.Factory();
        try (StackPair pair = new StackPair();
             EchoServer server = EchoServer.start(Processes.stack(pair.b()), true,
                     StackPair.address("0.0.0.0"), 7)) {
            // The same process, but a UDP socket: the catalog's first UDP entry is the stack's own.
            Winsock client = layeredProcess(pair.a(), counter);
            assertTrue(EchoClient.run(client, true, server.at(StackPair.address(StackPair.ADDRESS_B)),
                    List.of("datagram"), new PrintStream(new ByteArrayOutputStream())));
        }
        assertEquals(0, counter.bytesSent());
        assertEquals(0, counter.bytesReceived());
    }
}
