package chorus.loadtest.report;

import chorus.loadtest.metrics.Sampler;
import chorus.loadtest.metrics.Timeline;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run found, for the summary, the JSON file and the HTML page: the parameters, the
 * headline figures (what the scenario answers), the steps of a sweep, the latency histograms, the
 * counters, the server processes' figures and the per-second series.
 */
public final class Report {
    public final String scenario;
    public final String label;
    public final Instant started = Instant.now();
    public double seconds;
    public final Map<String, Object> params = new LinkedHashMap<>();
    public final Map<String, Object> figures = new LinkedHashMap<>();
    public final List<Map<String, Object>> steps = new ArrayList<>();
    public final Map<String, Histogram> latencies = new LinkedHashMap<>();
    public final Map<String, Long> counters = new LinkedHashMap<>();
    public final Map<String, Long> failures = new LinkedHashMap<>();
    public final Map<String, Sampler.ServerFigures> processes = new LinkedHashMap<>();
    public final List<String> notes = new ArrayList<>();
    public Timeline timeline = new Timeline();

    public Report(String scenario, String label) {
        this.scenario = scenario;
        this.label = label;
    }

    public void param(String name, Object value) {
        params.put(name, value);
    }

    public void figure(String name, Object value) {
        figures.put(name, value instanceof Double d && !Double.isFinite(d) ? null : value);
    }

    public void note(String text) {
        notes.add(text);
    }

    /** The histogram a figure was taken from, in microseconds. */
    public void latency(String name, Histogram h) {
        latencies.put(name, h);
    }
}
