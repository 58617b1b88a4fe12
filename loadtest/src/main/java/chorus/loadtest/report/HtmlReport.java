package chorus.loadtest.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as one self-contained HTML page: the tables of the summary and plots drawn by XChart (PNG,
 * inlined): latency percentiles over time, latency distributions, throughput, the server processes'
 * CPU and RSS, and for a sweep the latency and achieved rate per step.
 */
public final class HtmlReport {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 340;

    private HtmlReport() {
    }

    public static void write(Report r, Path file) throws IOException {
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    public static String render(Report r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Html h = new Html(r.scenario + " against " + r.label);
        h.raw("<p>Started " + Html.esc(r.started.toString()) + ", " + String.format(java.util.Locale.ROOT, "%.1f", r.seconds)
            + " s. Parameters: " + Html.esc(r.params.toString()) + "</p>");
        h.table("Figures", List.of("figure", "value"), r.figures.entrySet().stream()
            .map(e -> List.<Object>of(e.getKey(), TextSummary.format(e.getValue()))).toList());
        if (!r.steps.isEmpty()) {
            List<String> cols = List.copyOf(r.steps.get(0).keySet());
            h.table("Steps", cols, r.steps.stream().map(row -> cols.stream().map(c -> (Object) TextSummary.format(row.get(c)))
                .toList()).toList());
        }
        List<List<Object>> lat = new ArrayList<>();
        for (Map.Entry<String, Histogram> e : r.latencies.entrySet()) {
            Histogram x = e.getValue();
            lat.add(List.of(e.getKey(), x.getTotalCount(), ms(x, 50), ms(x, 90), ms(x, 99), ms(x, 99.9), x.getMaxValue() / 1000.0));
        }
        h.table("Latency (ms)", List.of("latency", "count", "p50", "p90", "p99", "p99.9", "max"), lat);
        if (!r.failures.isEmpty()) {
            h.table("Failures", List.of("reason", "count"), r.failures.entrySet().stream()
                .map(e -> List.<Object>of(e.getKey(), e.getValue())).toList());
        }
        for (String n : r.notes) {
            h.raw("<p class=note>" + Html.esc(n) + "</p>");
        }
        for (Chart<?, ?> c : charts(r)) {
            h.image(BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
        }
        return h.end();
    }

    private static double ms(Histogram h, double p) {
        return h.getValueAtPercentile(p) / 1000.0;
    }

    static List<Chart<?, ?>> charts(Report r) {
        List<Chart<?, ?>> out = new ArrayList<>();
        List<Double> t = r.timeline.seconds();
        Map<String, List<Double>> s = r.timeline.series();
        for (String name : latencyNames(s)) {
            if (name.startsWith("setup.") || s.get(name + ".p99_ms").stream().filter(x -> x != null).count() < 2) {
                continue;
            }
            XYChart c = chart(name + ": latency per second", "s", "ms");
            for (String q : new String[] {"p50", "p99", "max"}) {
                add(c, q, t, s.get(name + "." + q + "_ms"));
            }
            out.add(c);
        }
        // One distribution chart per family: the setup and its parts together, every other latency alone.
        Map<String, XYChart> families = new LinkedHashMap<>();
        for (Map.Entry<String, Histogram> e : r.latencies.entrySet()) {
            String family = e.getKey().startsWith("setup") ? "setup" : e.getKey();
            XYChart c = families.computeIfAbsent(family, f -> distributionChart(f));
            addDistribution(c, e.getKey(), e.getValue());
        }
        families.values().forEach(c -> keep(out, c));
        XYChart rates = chart("Throughput", "s", "per second");
        s.forEach((k, v) -> {
            if (k.endsWith(".per_s") && v.stream().anyMatch(x -> x != null && x > 0)) {
                add(rates, k.substring(0, k.length() - 6), t, v);
            }
        });
        keep(out, rates);
        XYChart sessions = chart("Sessions", "s", "sessions");
        add(sessions, "online (generator)", t, s.get("sessions_online"));
        add(sessions, "server's count", t, s.get("server.sessions"));
        keep(out, sessions);
        XYChart cpu = chart("CPU (100% = one core)", "s", "%");
        XYChart rss = chart("Resident memory", "s", "MiB");
        s.forEach((k, v) -> {
            if (k.endsWith(".cpu_pct")) {
                add(cpu, k.substring(0, k.length() - 8), t, v);
            } else if (k.endsWith(".rss_mib")) {
                add(rss, k.substring(0, k.length() - 8), t, v);
            }
        });
        add(cpu, "machine load x100", t, s.containsKey("machine.load1")
            ? s.get("machine.load1").stream().map(x -> x == null ? null : x * 100).toList() : null);
        keep(out, cpu);
        keep(out, rss);
        stepsChart(r).ifPresent(out::add);
        return out;
    }

    private static List<String> latencyNames(Map<String, List<Double>> s) {
        List<String> names = new ArrayList<>();
        for (String k : s.keySet()) {
            if (k.endsWith(".p99_ms")) {
                names.add(k.substring(0, k.length() - 7));
            }
        }
        return names;
    }

    /** Latency by percentile, on a scale where p90, p99, p99.9 are evenly spaced. */
    static XYChart distributionChart(String name) {
        XYChart c = chart(name + ": latency by percentile", "1/(1-p): 10 = p90, 100 = p99, 1000 = p99.9", "ms");
        c.getStyler().setXAxisLogarithmic(true);
        return c;
    }

    static void addDistribution(XYChart c, String name, Histogram h) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo() / 100.0;
            if (p >= 1) {
                break;
            }
            x.add(1 / (1 - p));
            y.add(h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
        }
        if (!x.isEmpty()) {
            XYSeries series = c.addSeries(name, x, y);
            series.setMarker(SeriesMarkers.NONE);
        }
    }

    private static java.util.Optional<XYChart> stepsChart(Report r) {
        List<Double> rate = new ArrayList<>();
        Map<String, List<Double>> ys = new LinkedHashMap<>();
        for (Map<String, Object> row : r.steps) {
            if (!(row.get("rate_per_s") instanceof Number n)) {
                return java.util.Optional.empty();
            }
            rate.add(n.doubleValue());
            for (String k : new String[] {"p50_ms", "p99_ms", "achieved_per_s"}) {
                ys.computeIfAbsent(k, x -> new ArrayList<>()).add(row.get(k) instanceof Number v ? v.doubleValue() : null);
            }
        }
        if (rate.size() < 2) {
            return java.util.Optional.empty();
        }
        XYChart c = chart("Steps: latency by target rate", "target messages/s", "ms");
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        add(c, "p50", rate, ys.get("p50_ms"));
        add(c, "p99", rate, ys.get("p99_ms"));
        return java.util.Optional.of(c);
    }

    static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setMarkerSize(4);
        return c;
    }

    /** Adds the points where both coordinates are known; a series with none is left out. */
    static void add(XYChart c, String name, List<Double> x, List<Double> y) {
        if (y == null) {
            return;
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            if (x.get(i) != null && y.get(i) != null && Double.isFinite(y.get(i))) {
                xs.add(x.get(i));
                ys.add(y.get(i));
            }
        }
        if (!xs.isEmpty()) {
            XYSeries s = c.addSeries(name, xs, ys);
            if (xs.size() > 30) {
                s.setMarker(SeriesMarkers.NONE);
            }
        }
    }

    private static void keep(List<Chart<?, ?>> out, XYChart c) {
        if (!c.getSeriesMap().isEmpty()) {
            out.add(c);
        }
    }

    /** A minimal page builder. */
    static final class Html {
        private final StringBuilder b = new StringBuilder();

        Html(String title) {
            b.append("<!DOCTYPE html><html><head><meta charset=utf-8><title>").append(esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child{text-align:left}")
                .append("img{display:block;margin:1em 0}.note{color:#a40}</style></head><body><h1>")
                .append(esc(title)).append("</h1>");
        }

        void raw(String html) {
            b.append(html);
        }

        void table(String caption, List<String> cols, List<List<Object>> rows) {
            b.append("<h2>").append(esc(caption)).append("</h2><table><tr>");
            cols.forEach(c -> b.append("<th>").append(esc(c)).append("</th>"));
            b.append("</tr>");
            for (List<Object> row : rows) {
                b.append("<tr>");
                row.forEach(v -> b.append("<td>").append(esc(v instanceof Double d ? TextSummary.format(d) : String.valueOf(v)))
                    .append("</td>"));
                b.append("</tr>");
            }
            b.append("</table>");
        }

        void image(byte[] png) {
            b.append("<img alt=chart src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">");
        }

        String end() {
            return b.append("</body></html>").toString();
        }

        static String esc(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
