package org.sockstack.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.spi.WsaData;
import org.sockstack.spi.namespace.dns.DnsMessage;
import org.sockstack.spi.namespace.dns.DnsMessage.ResourceRecord;
import org.sockstack.spi.wsa.Ref;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sockstack.api.Netdb.AI_CANONNAME;
import static org.sockstack.spi.wsa.Wsa.AF_INET;
import static org.sockstack.spi.wsa.Wsa.makeVersion;
import static org.sockstack.spi.wsa.WsaError.WSAHOST_NOT_FOUND;
import static org.sockstack.spi.wsa.WsaError.WSANO_RECOVERY;
import static org.sockstack.spi.wsa.WsaError.WSATRY_AGAIN;

/**
 * getaddrinfo and gethostbyname through the default namespace catalog (hosts file, then DNS)
 * with the DNS provider on a user-space stack (192.0.2.2) asking a fake server on another stack
 * (192.0.2.1:53) that answers by name: A and AAAA for www, a CNAME for alias, NXDOMAIN for
 * missing, SERVFAIL for broken, nothing for silent. The application's process is over the host
 * provider: which transport provider the sockets use does not matter to the name service.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsNamesTest {
    static final byte[] WWW4 = {(byte) 192, 0, 2, 7};
    static final byte[] WWW6 = Worlds.ip("2001:db8::7").getAddress();

    DnsTestNetwork net;
    List<String> questions;
    Winsock ws;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        net = new DnsTestNetwork("dns", 21, 13, DnsNamesTest::answer);
        questions = net.questions;
        ws = Worlds.hostProcess();
        net.configure(ws, dir);
        assertEquals(0, ws.WSAStartup(makeVersion(2, 2), new WsaData()));
    }

    @AfterEach
    void stop() {
        Worlds.cleanupAll(ws);
        net.close();
    }

    private static byte[] answer(DnsMessage q) {
        String name = q.question().name();
        boolean a = q.question().type() == DnsMessage.TYPE_A;
        return switch (name) {
            case "www.dns.example" -> reply(q, 0, a ? ResourceRecord.a(name, 300, WWW4)
                    : ResourceRecord.a(name, 300, WWW6));
            case "alias.dns.example" -> a
                    ? reply(q, 0, ResourceRecord.cname(name, 300, "www.dns.example"),
                            ResourceRecord.a("www.dns.example", 300, WWW4))
                    : reply(q, 0, ResourceRecord.cname(name, 300, "www.dns.example"));
            case "broken.dns.example" -> reply(q, DnsMessage.RCODE_SERVFAIL);
            case "silent.dns.example" -> null;
            default -> reply(q, DnsMessage.RCODE_NXDOMAIN);
        };
    }

    /** A response to {@code q}: same ID and question (RFC 1035 section 4.1.1), QR RD RA and the rcode. */
    private static byte[] reply(DnsMessage q, int rcode, ResourceRecord... answers) {
        int flags = DnsMessage.FLAG_QR | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA | rcode;
        return new DnsMessage(q.id(), flags, q.question(), List.of(answers), List.of()).encode();
    }

    private NamesBehaviour.Gai gai(String node, String service, AddrInfo hints) {
        Ref<AddrInfo> res = new Ref<>();
        int rc = ws.getaddrinfo(node, service, hints, res);
        return new NamesBehaviour.Gai(rc, rc == 0 ? res.value.toList() : List.of());
    }

    @Test
    void namesTheHostsFileDoesNotKnowGoToTheServer() {
        NamesBehaviour.Gai local = gai("local.dns.example", "80", null);
        assertEquals(List.of("192.0.2.50|80"), local.addresses());
        assertTrue(questions.isEmpty(), "the hosts file answered: no query");

        NamesBehaviour.Gai www = gai("www.dns.example", "http", AddrInfo.hints(AI_CANONNAME, 0, 0, 0));
        assertEquals(0, www.rc());
        assertEquals(List.of("2001:db8::7|80", "192.0.2.7|80"), www.addresses());
        assertEquals("www.dns.example", www.results().get(0).canonname);
        assertTrue(questions.containsAll(List.of("www.dns.example/1", "www.dns.example/28")), questions.toString());

        NamesBehaviour.Gai alias = gai("alias.dns.example", "80", AddrInfo.hints(AI_CANONNAME, AF_INET, 0, 0));
        assertEquals(List.of("192.0.2.7|80"), alias.addresses());
        assertEquals("www.dns.example", alias.results().get(0).canonname, "the CNAME's target is canonical");

        HostEnt h = ws.gethostbyname("alias.dns.example");
        assertEquals("www.dns.example", h.name());
        assertEquals(List.of("alias.dns.example"), h.aliases());
    }

    @Test
    void dnsFailuresMapToTheirEaiCodes() {
        assertEquals(WSAHOST_NOT_FOUND, gai("missing.dns.example", "80", null).rc(), "NXDOMAIN: EAI_NONAME");
        assertEquals(WSANO_RECOVERY, gai("broken.dns.example", "80", null).rc(), "SERVFAIL: EAI_FAIL");
        assertEquals(WSATRY_AGAIN, gai("silent.dns.example", "80", null).rc(), "no answer: EAI_AGAIN");
        assertEquals(WSATRY_AGAIN, ws.WSAGetLastError());
        assertNull(ws.gethostbyname("silent.dns.example"));
        assertEquals(WSATRY_AGAIN, ws.WSAGetLastError());
        assertNull(ws.gethostbyname("missing.dns.example"));
        assertEquals(WSAHOST_NOT_FOUND, ws.WSAGetLastError());
    }
}
