package org.sockstack.testbed.viz;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpPlotsTest {
    /** A slow start, a loss at 0.04 s (ssthresh appears), then congestion avoidance. */
    static final String CSV = """
            time_s,cwnd,ssthresh,srtt_ms,rttvar_ms,rto_ms,bytes_acked,retransmissions,bytes_in_flight
            0.000000,0,,0.000,0.000,1000.000,0,0,1
            0.010000,14600,,20.100,10.050,220.300,0,0,14600
            0.020000,29200,,20.400,5.100,220.800,14600,0,29200
            0.030000,58400,,22.000,3.000,222.000,43800,0,58400
            0.040000,36500,29200,25.000,4.000,225.000,90000,3,33000
            0.050000,37960,29200,24.000,3.500,224.000,120000,3,37000
            """;

    @Test
    void cwndPlotHasOneLinePerSeriesAxesAndLegend() {
        TimeSeriesTable t = TimeSeriesTable.parse(CSV);
        assertEquals(6, t.rows());
        Document d = SvgAssert.parse(TcpPlots.cwnd(t, "Congestion window, test"));
        List<Element> lines = SvgAssert.byClass(d, "polyline", "series");
        Element cwnd = series(lines, "cwnd");
        assertEquals(6, points(cwnd), "one point per CSV row");
        // ssthresh is missing (infinite) in the first four rows: only the last two are drawn.
        assertEquals(2, points(series(lines, "ssthresh")));
        assertEquals("6 4", series(lines, "ssthresh").getAttribute("stroke-dasharray"));
        assertEquals(List.of("time (s)", "octets"), SvgAssert.texts(SvgAssert.byClass(d, "text", "axis-label")));
        assertEquals(List.of("cwnd", "ssthresh", "bytes in flight"), SvgAssert.texts(SvgAssert.byClass(d, "text", "legend")));
        List<String> ticks = SvgAssert.texts(SvgAssert.byClass(d, "text", "tick"));
        assertTrue(ticks.contains("0.050") && ticks.contains("60k"), ticks.toString());
        assertEquals("Congestion window, test", SvgAssert.texts(SvgAssert.byClass(d, "text", "title")).get(0));
    }

    @Test
    void cwndLineClimbsWhereCwndGrows() {
        Document d = SvgAssert.parse(TcpPlots.cwnd(TimeSeriesTable.parse(CSV), "t"));
        String[] pts = series(SvgAssert.byClass(d, "polyline", "series"), "cwnd").getAttribute("points").split(" ");
        double y1 = Double.parseDouble(pts[1].split(",")[1]);
        double y3 = Double.parseDouble(pts[3].split(",")[1]);
        double x1 = Double.parseDouble(pts[1].split(",")[0]);
        double x3 = Double.parseDouble(pts[3].split(",")[0]);
        assertTrue(y3 < y1, "SVG y grows downwards: a larger cwnd is higher up");
        assertTrue(x3 > x1, "time runs to the right");
    }

    @Test
    void rttPlotSkipsTheRowsBeforeTheFirstSample() {
        Document d = SvgAssert.parse(TcpPlots.rtt(TimeSeriesTable.parse(CSV), "Smoothed RTT"));
        List<Element> lines = SvgAssert.byClass(d, "polyline", "series");
        assertEquals(5, points(series(lines, "srtt")), "srtt 0 means no estimate yet");
        assertEquals(List.of("time (s)", "milliseconds"), SvgAssert.texts(SvgAssert.byClass(d, "text", "axis-label")));
    }

    @Test
    void emptyTableStillGivesAValidPicture() {
        TimeSeriesTable t = TimeSeriesTable.parse(TimeSeriesTableTest.HEADER + "\n");
        Document d = SvgAssert.parse(TcpPlots.cwnd(t, "empty"));
        assertEquals(0, SvgAssert.byClass(d, "polyline", "series").size());
    }

    @Test
    void missingColumnIsAnError() {
        TimeSeriesTable t = TimeSeriesTable.parse("time_s,cwnd\n0,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpPlots.cwnd(t, "x"));
        assertTrue(e.getMessage().contains("ssthresh"), e.getMessage());
    }

    @Test
    void titlesAreEscaped() {
        Document d = SvgAssert.parse(TcpPlots.cwnd(TimeSeriesTable.parse(CSV), "a < b & \"c\""));
        assertEquals("a < b & \"c\"", SvgAssert.texts(SvgAssert.byClass(d, "text", "title")).get(0));
    }

    private static Element series(List<Element> lines, String name) {
        return lines.stream().filter(e -> e.getAttribute("data-series").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name));
    }

    private static int points(Element polyline) {
        return polyline.getAttribute("points").split(" ").length;
    }
}
