package org.sockstack.testbed.viz;

import java.util.Locale;

/**
 * A minimal SVG writer: elements with attributes, text escaped for XML, coordinates with at most
 * two decimals (so output is stable and small). Every picture of this package is built with it;
 * the result is a standalone {@code .svg} file any browser shows.
 */
final class Svg {
    private final StringBuilder sb = new StringBuilder(16 * 1024);
    private int depth;

    /** Starts a drawing of {@code width} x {@code height} pixels with a white background. */
    Svg(int width, int height) {
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        open("svg", "xmlns", "http://www.w3.org/2000/svg", "width", num(width), "height", num(height),
                "viewBox", "0 0 " + width + " " + height, "font-family", "Helvetica, Arial, sans-serif",
                "font-size", "12");
        empty("rect", "x", "0", "y", "0", "width", num(width), "height", num(height), "fill", "white");
    }

    /** {@code <name attr="value" ...>}; attributes come as name, value pairs. */
    Svg open(String name, String... attrs) {
        indent();
        sb.append('<').append(name);
        attributes(attrs);
        sb.append(">\n");
        depth++;
        return this;
    }

    Svg close(String name) {
        depth--;
        indent();
        sb.append("</").append(name).append(">\n");
        return this;
    }

    /** {@code <name attr="value" .../>}. */
    Svg empty(String name, String... attrs) {
        indent();
        sb.append('<').append(name);
        attributes(attrs);
        sb.append("/>\n");
        return this;
    }

    /** {@code <name attrs>text</name>}, the text escaped. */
    Svg text(String name, String text, String... attrs) {
        indent();
        sb.append('<').append(name);
        attributes(attrs);
        sb.append('>');
        escape(text);
        sb.append("</").append(name).append(">\n");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String... attrs) {
        String[] all = concat(new String[] {"x1", num(x1), "y1", num(y1), "x2", num(x2), "y2", num(y2)}, attrs);
        return empty("line", all);
    }

    /** A {@code <text>} at (x, y). */
    Svg label(double x, double y, String text, String... attrs) {
        return text("text", text, concat(new String[] {"x", num(x), "y", num(y)}, attrs));
    }

    /** Closes the root element and returns the document. */
    String finish() {
        close("svg");
        return sb.toString();
    }

    /** A coordinate: at most two decimals, no trailing zeros, dot as separator. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private void attributes(String[] attrs) {
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        for (int i = 0; i < attrs.length; i += 2) {
            sb.append(' ').append(attrs[i]).append("=\"");
            escape(attrs[i + 1]);
            sb.append('"');
        }
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n') {
                        sb.append(c);
                    } else {
                        sb.append('?'); // control characters are not allowed in XML 1.0
                    }
                }
            }
        }
    }

    private void indent() {
        sb.append("  ".repeat(Math.max(0, depth)));
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
