package chorus.loadtest.report;

import chorus.loadtest.metrics.Sampler;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The run on one screen: what was asked, the headline figures, latencies, failures, processes. */
public final class TextSummary {
    private TextSummary() {
    }

    public static String render(Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "== %s against %s: %.1f s ==%n", r.scenario, r.label, r.seconds));
        b.append("params: ");
        r.params.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        b.append(System.lineSeparator());
        for (Map.Entry<String, Object> e : r.figures.entrySet()) {
            b.append(String.format(Locale.ROOT, "  %-32s %s%n", e.getKey(), format(e.getValue())));
        }
        if (!r.steps.isEmpty() && r.steps.size() > 1) {
            List<String> cols = List.copyOf(r.steps.get(0).keySet());
            b.append("steps:").append(System.lineSeparator());
            for (String c : cols) {
                b.append(String.format(Locale.ROOT, "%11s", abbreviate(c)));
            }
            b.append(System.lineSeparator());
            for (Map<String, Object> row : r.steps) {
                for (String c : cols) {
                    b.append(String.format(Locale.ROOT, "%11s", format(row.get(c))));
                }
                b.append(System.lineSeparator());
            }
        }
        b.append(String.format(Locale.ROOT, "%-28s %9s %9s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p90", "p99",
            "p99.9", "max"));
        for (Map.Entry<String, Histogram> e : r.latencies.entrySet()) {
            Histogram h = e.getValue();
            b.append(String.format(Locale.ROOT, "%-28s %9d %9.2f %9.2f %9.2f %9.2f %9.2f%n", abbreviate28(e.getKey()),
                h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0));
        }
        if (!r.failures.isEmpty()) {
            b.append("failures: ").append(r.failures).append(System.lineSeparator());
        }
        for (Map.Entry<String, Sampler.ServerFigures> e : r.processes.entrySet()) {
            Sampler.ServerFigures f = e.getValue();
            b.append(String.format(Locale.ROOT, "process %-12s cpu %.1f s (%.0f%% of one core), rss %.0f -> %.0f MiB (max %.0f)%n",
                e.getKey(), f.cpuSeconds(), r.seconds > 0 ? f.cpuSeconds() / r.seconds * 100 : 0, f.rssStart / 1048576,
                f.rssEnd / 1048576, f.rssMax / 1048576));
        }
        for (String n : r.notes) {
            b.append("note: ").append(n).append(System.lineSeparator());
        }
        return b.toString();
    }

    static String format(Object v) {
        if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                return "-";
            }
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        return v == null ? "-" : v.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 10 ? s : s.substring(0, 10);
    }

    private static String abbreviate28(String s) {
        return s.length() <= 28 ? s : s.substring(0, 28);
    }
}
