package org.sockstack.testbed.viz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV of numbers with a header row, read into columns: the format {@code sockstack sim} writes
 * ({@code time_s,cwnd,ssthresh,...}). An empty cell is a missing value (NaN), e.g. ssthresh
 * while it is still infinite. Malformed input is an {@link IllegalArgumentException} naming
 * the line.
 */
public final class TimeSeriesTable {
    /** Refuse absurd files instead of running out of memory. */
    static final int MAX_ROWS = 10_000_000;

    private final Map<String, double[]> columns;
    private final int rows;

    private TimeSeriesTable(Map<String, double[]> columns, int rows) {
        this.columns = columns;
        this.rows = rows;
    }

    public static TimeSeriesTable read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static TimeSeriesTable parse(String csv) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("empty CSV: no header row");
        }
        if (lines.size() - 1 > MAX_ROWS) {
            throw new IllegalArgumentException("CSV too long: " + (lines.size() - 1) + " rows");
        }
        String[] header = lines.get(0).trim().split(",", -1);
        List<double[]> cells = new ArrayList<>();
        for (String h : header) {
            cells.add(new double[lines.size() - 1]);
        }
        for (int r = 1; r < lines.size(); r++) {
            String[] f = lines.get(r).trim().split(",", -1);
            if (f.length != header.length) {
                throw new IllegalArgumentException("line " + (r + 1) + ": " + f.length + " fields, the header has "
                        + header.length);
            }
            for (int c = 0; c < f.length; c++) {
                cells.get(c)[r - 1] = number(f[c], r + 1);
            }
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) {
            columns.put(header[c].trim(), cells.get(c));
        }
        return new TimeSeriesTable(columns, lines.size() - 1);
    }

    private static double number(String text, int line) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(t);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + line + ": not a number: " + text);
        }
    }

    public int rows() {
        return rows;
    }

    public boolean has(String name) {
        return columns.containsKey(name);
    }

    /** The column's values (a copy); missing cells are NaN. */
    public double[] column(String name) {
        double[] c = columns.get(name);
        if (c == null) {
            throw new IllegalArgumentException("the CSV has no column '" + name + "' (it has " + columns.keySet() + ")");
        }
        return Arrays.copyOf(c, c.length);
    }
}
