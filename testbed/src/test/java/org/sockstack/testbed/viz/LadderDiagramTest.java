package org.sockstack.testbed.viz;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sockstack.testbed.sim.Scenario;
import org.sockstack.testbed.sim.ScenarioRunner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ladders drawn from the captures of a simulated transfer (the stack's own frames). */
class LadderDiagramTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void runTransfer() throws IOException {
        ScenarioRunner.run(Scenario.builder().bytes(20_000).delay(Duration.ofMillis(5)).build(), dir);
    }

    @Test
    void ladderFromBothCapturesShowsTheHandshakeInOrder() throws IOException {
        LadderDiagram ladder = TcpLadder.fromCaptures(dir.resolve("a.pcapng"), dir.resolve("b.pcapng"), 30);
        Document d = SvgAssert.parse(ladder.toSvg());
        assertEquals(2, SvgAssert.byClass(d, "line", "host").size(), "one vertical line per host");
        List<String> hosts = SvgAssert.texts(SvgAssert.byClass(d, "text", "host-name"));
        assertTrue(hosts.get(0).startsWith("192.0.2.1.") && hosts.get(1).equals("192.0.2.2.5001"), hosts.toString());
        List<String> labels = SvgAssert.texts(SvgAssert.byClass(d, "text", "label"));
        assertTrue(labels.get(0).startsWith("SYN [S] seq 0"), labels.get(0));
        assertTrue(labels.get(1).startsWith("SYN-ACK [S.] seq 0, ack 1"), labels.get(1));
        assertTrue(labels.get(2).startsWith("ACK [.] ack 1") || labels.get(2).startsWith("data [.] seq 1:"), labels.get(2));
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("data ")), labels.toString());
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("FIN ")), "20 kB fit in 30 packets, FIN included: " + labels);
        assertEquals(labels.size(), SvgAssert.byClass(d, "g", "packet").size());
        assertTrue(labels.size() <= 30);
        assertTrue(ladder.arrows().stream().noneMatch(LadderDiagram.Arrow::lost), "a clean path loses nothing");
    }

    @Test
    void arrowsSlopeDownByTheOneWayDelay() throws IOException {
        LadderDiagram ladder = TcpLadder.fromCaptures(dir.resolve("a.pcapng"), dir.resolve("b.pcapng"), 5);
        LadderDiagram.Arrow syn = ladder.arrows().get(0);
        assertTrue(syn.leftToRight());
        // 5 ms of propagation plus a 74-octet SYN's serialization at 10 Mbit/s (59 us).
        long oneWay = syn.arriveNanos() - syn.departNanos();
        assertTrue(oneWay >= 5_000_000 && oneWay < 5_200_000, "SYN took " + oneWay + " ns");
        Document d = SvgAssert.parse(ladder.toSvg());
        for (Element line : SvgAssert.byClass(d, "line", "arrow")) {
            assertTrue(Double.parseDouble(line.getAttribute("y2")) > Double.parseDouble(line.getAttribute("y1")),
                    "every arrow points down (later)");
        }
    }

    @Test
    void ladderFromOneCaptureEstimatesTheOtherEnd() throws IOException {
        LadderDiagram ladder = TcpLadder.fromCapture(dir.resolve("b.pcapng"), 3);
        assertEquals(3, ladder.arrows().size());
        Document d = SvgAssert.parse(ladder.toSvg());
        String note = SvgAssert.texts(SvgAssert.byClass(d, "text", "note")).get(0);
        assertTrue(note.contains("captured at the server"), note);
        List<String> labels = SvgAssert.texts(SvgAssert.byClass(d, "text", "label"));
        assertTrue(labels.get(0).startsWith("SYN ") && labels.get(1).startsWith("SYN-ACK "), labels.toString());
    }

    @Test
    void lostAndRetransmittedPacketsAreMarked() {
        List<LadderDiagram.Arrow> arrows = List.of(
                new LadderDiagram.Arrow(true, 0, 10, "data seq 1:1449 (lost)", "IP ...", false, true),
                new LadderDiagram.Arrow(true, 300, 310, "data seq 1:1449 (retransmission)", "IP ...", true, false));
        Document d = SvgAssert.parse(new LadderDiagram("a", "b", arrows, "note").toSvg());
        assertEquals(1, SvgAssert.byClass(d, "text", "lost-mark").size());
        assertEquals(2, SvgAssert.byClass(d, "line", "arrow").size());
        assertEquals("#c0392b", SvgAssert.byClass(d, "line", "arrow").get(1).getAttribute("stroke"));
        assertThrows(IllegalArgumentException.class,
                () -> new LadderDiagram.Arrow(true, 10, 5, "x", "x", false, false));
    }

    @Test
    void aCaptureWithoutFramesGivesAnEmptyLadderNotAnError() throws IOException {
        Path empty = dir.resolve("empty.pcapng");
        // Only the capture's header blocks: a valid pcapng holding no frame at all.
        byte[] all = Files.readAllBytes(dir.resolve("a.pcapng"));
        Files.write(empty, java.util.Arrays.copyOf(all, firstBlocks(all)));
        Document d = SvgAssert.parse(TcpLadder.fromCapture(empty, 10).toSvg());
        assertEquals(0, SvgAssert.byClass(d, "g", "packet").size());
        List<String> notes = SvgAssert.texts(SvgAssert.byClass(d, "text", "note"));
        assertTrue(notes.stream().anyMatch(n -> n.contains("no TCP connection in empty.pcapng")), notes.toString());
    }

    @Test
    void notACaptureIsAnIoError() throws IOException {
        Path junk = dir.resolve("junk.pcap");
        Files.writeString(junk, "hello, world");
        assertThrows(IOException.class, () -> TcpLadder.fromCapture(junk, 10));
    }

    /** The length of the pcapng Section Header and Interface Description blocks (little-endian lengths). */
    private static int firstBlocks(byte[] file) {
        int shb = readLe(file, 4);
        return shb + readLe(file, shb + 4);
    }

    private static int readLe(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
