package org.sockstack.testbed.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line chart as SVG. What a reader sees: a title on top; a framed plot area with grey grid
 * lines; the x axis at the bottom and the y axis on the left, each with ticks at "nice" values
 * and a label saying what and in which unit; one coloured line per series (a gap where a value
 * is missing); and a legend between the title and the plot naming each line.
 *
 * <p>Structure, for tools and tests: each series is one or more
 * {@code <polyline class="series" data-series="NAME">}, one per unbroken run of points; tick
 * labels are {@code <text class="tick">}, axis labels {@code <text class="axis-label">}, legend
 * entries {@code <text class="legend">}.
 */
public final class LinePlot {
    static final int WIDTH = 820;
    static final int HEIGHT = 460;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 75;
    private static final int BOTTOM = 70;

    /**
     * One line: {@code y[i]} over {@code x[i]}; a NaN in {@code y} breaks the line.
     *
     * @param color  any SVG colour
     * @param dashed drawn dashed (for limits and thresholds)
     */
    public record Series(String name, String color, boolean dashed, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(name);
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y differ in length");
            }
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    /** The chart as a standalone SVG document. */
    public String toSvg() {
        Axis x = Axis.of(series, true);
        Axis y = Axis.of(series, false);
        Svg svg = new Svg(WIDTH, HEIGHT);
        svg.label(WIDTH / 2.0, 28, title, "class", "title", "text-anchor", "middle", "font-size", "16");
        drawGridAndTicks(svg, x, y);
        drawAxisLabels(svg);
        for (Series s : series) {
            drawSeries(svg, s, x, y);
        }
        drawLegend(svg);
        return svg.finish();
    }

    // ------------------------------------------------------------------ scales

    /** An axis from 0 (or the smallest value, if negative) to a nice value above the largest. */
    private record Axis(double min, double max, double step) {
        static Axis of(List<Series> all, boolean horizontal) {
            double lo = 0;
            double hi = 0;
            for (Series s : all) {
                for (double v : horizontal ? s.x() : s.y()) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (hi <= lo) {
                hi = lo + 1;
            }
            double step = Ticks.step(hi - lo, horizontal ? 10 : 6);
            return new Axis(Math.floor(lo / step) * step, Ticks.ceil(hi, step), step);
        }
    }

    private static double plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static double plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private static double px(Axis a, double v) {
        return LEFT + (v - a.min()) / (a.max() - a.min()) * plotWidth();
    }

    private static double py(Axis a, double v) {
        return TOP + plotHeight() - (v - a.min()) / (a.max() - a.min()) * plotHeight();
    }

    // ------------------------------------------------------------------ drawing

    private void drawGridAndTicks(Svg svg, Axis x, Axis y) {
        svg.open("g", "class", "axes", "stroke-width", "1");
        for (double t : Ticks.between(x.min(), x.max(), x.step())) {
            double p = px(x, t);
            svg.line(p, TOP, p, TOP + plotHeight(), "stroke", "#e4e4e4");
            svg.line(p, TOP + plotHeight(), p, TOP + plotHeight() + 5, "stroke", "black");
            svg.label(p, TOP + plotHeight() + 20, Ticks.label(t, x.step()), "class", "tick", "text-anchor", "middle");
        }
        for (double t : Ticks.between(y.min(), y.max(), y.step())) {
            double p = py(y, t);
            svg.line(LEFT, p, LEFT + plotWidth(), p, "stroke", "#e4e4e4");
            svg.line(LEFT - 5, p, LEFT, p, "stroke", "black");
            svg.label(LEFT - 8, p + 4, Ticks.label(t, y.step()), "class", "tick", "text-anchor", "end");
        }
        svg.empty("rect", "x", Svg.num(LEFT), "y", Svg.num(TOP), "width", Svg.num(plotWidth()), "height",
                Svg.num(plotHeight()), "fill", "none", "stroke", "black");
        svg.close("g");
    }

    private void drawAxisLabels(Svg svg) {
        svg.label(LEFT + plotWidth() / 2, HEIGHT - 22, xLabel, "class", "axis-label", "text-anchor", "middle",
                "font-size", "14");
        double cx = 24;
        double cy = TOP + plotHeight() / 2;
        svg.label(cx, cy, yLabel, "class", "axis-label", "text-anchor", "middle", "font-size", "14",
                "transform", "rotate(-90 " + Svg.num(cx) + " " + Svg.num(cy) + ")");
    }

    private void drawSeries(Svg svg, Series s, Axis x, Axis y) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i <= s.x().length; i++) {
            boolean gap = i == s.x().length || !Double.isFinite(s.y()[i]) || !Double.isFinite(s.x()[i]);
            if (gap) {
                polyline(svg, s, points);
                points.setLength(0);
                continue;
            }
            if (!points.isEmpty()) {
                points.append(' ');
            }
            points.append(Svg.num(px(x, s.x()[i]))).append(',').append(Svg.num(py(y, s.y()[i])));
        }
    }

    private static void polyline(Svg svg, Series s, StringBuilder points) {
        if (points.isEmpty()) {
            return;
        }
        String[] attrs = {"class", "series", "data-series", s.name(), "points", points.toString(), "fill", "none",
                "stroke", s.color(), "stroke-width", "1.8", "stroke-linejoin", "round"};
        svg.empty("polyline", s.dashed() ? Svg.concat(attrs, new String[] {"stroke-dasharray", "6 4"}) : attrs);
    }

    /** One row under the title: a short line in each series' colour and style, then its name. */
    private void drawLegend(Svg svg) {
        double[] widths = new double[series.size()];
        double total = 0;
        for (int i = 0; i < series.size(); i++) {
            widths[i] = 40 + 7 * series.get(i).name().length() + 20;
            total += widths[i];
        }
        double x = LEFT + (plotWidth() - total) / 2;
        double y = TOP - 22;
        svg.open("g", "class", "legend-box");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String[] line = {"stroke", s.color(), "stroke-width", "2.5"};
            svg.line(x, y - 4, x + 30, y - 4,
                    s.dashed() ? Svg.concat(line, new String[] {"stroke-dasharray", "6 4"}) : line);
            svg.label(x + 38, y, s.name(), "class", "legend");
            x += widths[i];
        }
        svg.close("g");
    }
}
