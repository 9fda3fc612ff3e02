package org.sockstack.testbed.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A sequence ("ladder") diagram of one conversation between two hosts, as in the RFCs and the
 * textbooks. What a reader sees: the two hosts named at the top, each with a vertical line
 * below it; time runs downwards; every packet is an arrow from the sender's line, at the time it
 * left, to the receiver's line, at the time it arrived, so it slopes down by its one-way delay.
 * Each arrow carries a tcpdump-like label ({@code SYN [S] seq 0, win 65535}; data, ACK, FIN...;
 * retransmissions in red; a lost packet stops half-way at a red cross) and, when hovered in a browser, the full tcpdump-style line. The
 * departure time (milliseconds since the first packet) is written beside the sender's line.
 *
 * <p>The time axis is stretched where packets are dense, so labels never overlap: consecutive
 * instants are at least {@value #MIN_GAP} pixels apart, and a long idle gap is shortened to at
 * most {@value #MAX_GAP} pixels. The order of events and the direction of every slope are
 * always right; read exact times from the labels.
 *
 * <p>Structure, for tools and tests: {@code <line class="host">} (two), {@code <text
 * class="host-name">}, one {@code <g class="packet">} per arrow holding {@code <title>},
 * {@code <line class="arrow">} and {@code <text class="label">}, in the order the packets left.
 */
public final class LadderDiagram {
    static final int WIDTH = 980;
    static final int MIN_GAP = 14;
    static final int MAX_GAP = 140;
    private static final double LEFT_X = 210;
    private static final double RIGHT_X = 770;
    private static final double FIRST_Y = 100;
    private static final double PIXELS_PER_PACKET = 26;
    /** Left-to-right, right-to-left and retransmitted packets: marker id suffix and colour. */
    private static final String[][] COLORS = {{"right", "#1f5fbf"}, {"left", "#2a8f3e"}, {"retx", "#c0392b"}};

    /**
     * One packet.
     *
     * @param leftToRight  sent by the left host
     * @param departNanos  when it left its sender
     * @param arriveNanos  when it reached the other host (not before it left)
     * @param label        the short label on the arrow
     * @param detail       the full description shown on hover
     * @param retransmission drawn in red
     * @param lost         never arrived: drawn half-way, ending in a cross
     */
    public record Arrow(boolean leftToRight, long departNanos, long arriveNanos, String label, String detail,
                        boolean retransmission, boolean lost) {
        public Arrow {
            if (arriveNanos < departNanos) {
                throw new IllegalArgumentException("a packet cannot arrive before it leaves");
            }
        }
    }

    private final String leftHost;
    private final String rightHost;
    private final List<Arrow> arrows;
    private final String note;

    /**
     * @param note a line under the diagram saying where the times come from (may be empty)
     */
    public LadderDiagram(String leftHost, String rightHost, List<Arrow> arrows, String note) {
        this.leftHost = leftHost;
        this.rightHost = rightHost;
        this.arrows = List.copyOf(arrows);
        this.note = note;
    }

    public List<Arrow> arrows() {
        return arrows;
    }

    public String leftHost() {
        return leftHost;
    }

    public String rightHost() {
        return rightHost;
    }

    /** The diagram as a standalone SVG document. */
    public String toSvg() {
        TimeScale scale = TimeScale.of(arrows);
        double bottom = scale.bottom() + 40;
        Svg svg = new Svg(WIDTH, (int) Math.ceil(bottom + 50));
        svg.open("defs");
        for (String[] c : COLORS) {
            svg.open("marker", "id", "arrowhead-" + c[0], "viewBox", "0 0 10 10", "refX", "10", "refY", "5",
                    "markerWidth", "8", "markerHeight", "8", "orient", "auto");
            svg.empty("path", "d", "M 0 0 L 10 5 L 0 10 z", "fill", c[1]);
            svg.close("marker");
        }
        svg.close("defs");
        drawHosts(svg, bottom);
        long t0 = arrows.isEmpty() ? 0 : arrows.get(0).departNanos();
        for (Arrow a : arrows) {
            drawArrow(svg, a, scale, t0);
        }
        if (arrows.isEmpty()) {
            svg.label(WIDTH / 2.0, FIRST_Y + 20, "no TCP packets found", "class", "note", "text-anchor", "middle");
        }
        svg.label(WIDTH / 2.0, bottom + 30, note, "class", "note", "text-anchor", "middle", "fill", "#555",
                "font-size", "11");
        return svg.finish();
    }

    private void drawHosts(Svg svg, double bottom) {
        svg.label(LEFT_X, 40, leftHost, "class", "host-name", "text-anchor", "middle", "font-size", "14",
                "font-weight", "bold");
        svg.label(RIGHT_X, 40, rightHost, "class", "host-name", "text-anchor", "middle", "font-size", "14",
                "font-weight", "bold");
        svg.line(LEFT_X, 55, LEFT_X, bottom, "class", "host", "stroke", "black", "stroke-width", "2");
        svg.line(RIGHT_X, 55, RIGHT_X, bottom, "class", "host", "stroke", "black", "stroke-width", "2");
    }

    private void drawArrow(Svg svg, Arrow a, TimeScale scale, long t0) {
        double x1 = a.leftToRight() ? LEFT_X : RIGHT_X;
        double x2 = a.leftToRight() ? RIGHT_X : LEFT_X;
        double y1 = scale.y(a.departNanos());
        double y2 = scale.y(a.arriveNanos());
        String[] c = a.retransmission() || a.lost() ? COLORS[2] : a.leftToRight() ? COLORS[0] : COLORS[1];
        String color = c[1];
        svg.open("g", "class", "packet");
        svg.text("title", a.detail());
        if (a.lost()) {
            double xe = x1 + (x2 - x1) * 0.6;
            double ye = y1 + (y2 - y1) * 0.6;
            svg.line(x1, y1, xe, ye, "class", "arrow lost", "stroke", color, "stroke-width", "1.5");
            svg.label(xe, ye + 5, "\u2715", "class", "lost-mark", "text-anchor", "middle", "fill", "#c0392b",
                    "font-size", "16");
        } else {
            svg.line(x1, y1, x2, y2, "class", "arrow", "stroke", color, "stroke-width", "1.5", "marker-end",
                    "url(#arrowhead-" + c[0] + ")");
        }
        svg.label((x1 + x2) / 2, (y1 + y2) / 2 - 4, a.label(), "class", "label", "text-anchor", "middle",
                "fill", color, "font-size", "12", "stroke", "white", "stroke-width", "3", "paint-order", "stroke");
        String time = String.format(Locale.ROOT, "%.3f ms", (a.departNanos() - t0) / 1e6);
        svg.label(a.leftToRight() ? x1 - 8 : x1 + 8, y1 + 4, time, "class", "time", "text-anchor",
                a.leftToRight() ? "end" : "start", "fill", "#666", "font-size", "10");
        svg.close("g");
    }

    /**
     * Maps times to heights: piecewise linear through every departure and arrival instant,
     * proportional to time but with each step clamped to [{@link #MIN_GAP}, {@link #MAX_GAP}].
     */
    private record TimeScale(TreeMap<Long, Double> knots) {
        static TimeScale of(List<Arrow> arrows) {
            TreeMap<Long, Double> knots = new TreeMap<>();
            List<Long> instants = new ArrayList<>();
            for (Arrow a : arrows) {
                instants.add(a.departNanos());
                instants.add(a.arriveNanos());
            }
            instants.sort(null);
            if (instants.isEmpty()) {
                knots.put(0L, FIRST_Y);
                return new TimeScale(knots);
            }
            long span = Math.max(1, instants.get(instants.size() - 1) - instants.get(0));
            double pxPerNano = PIXELS_PER_PACKET * arrows.size() / span;
            long prev = instants.get(0);
            double y = FIRST_Y;
            knots.put(prev, y);
            for (long t : instants) {
                if (t != prev) {
                    y += Math.min(MAX_GAP, Math.max(MIN_GAP, (t - prev) * pxPerNano));
                    knots.put(t, y);
                    prev = t;
                }
            }
            return new TimeScale(knots);
        }

        /** The height of instant {@code t} (every instant asked for is a knot). */
        double y(long t) {
            Double y = knots.get(t);
            return y != null ? y : knots.floorEntry(t) == null ? FIRST_Y : knots.floorEntry(t).getValue();
        }

        double bottom() {
            return knots.lastEntry().getValue();
        }
    }
}
