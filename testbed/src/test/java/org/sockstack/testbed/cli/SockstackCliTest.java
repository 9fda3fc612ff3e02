package org.sockstack.testbed.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's contract: consistent help, exit codes and one-line errors. */
class SockstackCliTest {

    record Result(int code, String out, String err) { }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = SockstackCli.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsEveryCommand() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String cmd : new String[] {"serve", "ping", "demo"}) {
            assertTrue(r.out().contains(cmd), "help mentions " + cmd + ":\n" + r.out());
        }
        for (String cmd : new String[] {"serve", "ping", "demo"}) {
            assertEquals(0, run(cmd, "--help").code(), cmd + " --help");
        }
    }

    @Test
    void unknownOptionIsAOneLineErrorWithExitTwo() {
        Result r = run("serve", "--bogus");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void badAddressIsAOneLineErrorWithNonZeroExit() {
        Result r = run("serve", "--tap", "x0", "--addr", "300.1.2.3/24");
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("not an IPv4 address"), r.err());
        Result p = run("ping", "--tap", "x0", "--addr", "192.0.2.2/24", "not-an-address");
        assertNotEquals(0, p.code());
        assertTrue(p.err().contains("not an IPv4 or IPv6 address"), p.err());
        Result six = run("serve", "--tap", "x0", "--addr", "192.0.2.2/24", "--addr6", "2001:db8::2/129");
        assertNotEquals(0, six.code());
        assertTrue(six.err().contains("bad prefix length"), six.err());
    }

    @Test
    void tapAndIfaceAreExclusive() {
        Result r = run("serve", "--tap", "a", "--iface", "b", "--addr", "192.0.2.2/24");
        assertEquals(2, r.code());
    }
}
