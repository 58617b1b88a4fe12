package chorus.loadtest.report;

import chorus.loadtest.metrics.Sampler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The run as JSON: parameters, figures, steps, every latency with its full percentile distribution
 * (milliseconds), counters, failures, processes, and the per-second series.
 */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static void write(Report r, Path file) throws IOException {
        JSON.writeValue(file.toFile(), toJson(r));
    }

    public static ObjectNode toJson(Report r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tool", "chorus-loadtest");
        root.put("scenario", r.scenario);
        root.put("label", r.label);
        root.put("started", r.started.toString());
        root.put("seconds", Math.round(r.seconds * 100) / 100.0);
        root.set("params", JSON.valueToTree(r.params));
        root.set("figures", JSON.valueToTree(r.figures));
        root.set("steps", JSON.valueToTree(r.steps));
        ObjectNode lat = root.putObject("latencies_ms");
        for (Map.Entry<String, Histogram> e : r.latencies.entrySet()) {
            lat.set(e.getKey(), latency(e.getValue()));
        }
        root.set("counters", JSON.valueToTree(r.counters));
        root.set("failures", JSON.valueToTree(r.failures));
        ObjectNode procs = root.putObject("processes");
        for (Map.Entry<String, Sampler.ServerFigures> e : r.processes.entrySet()) {
            Sampler.ServerFigures f = e.getValue();
            ObjectNode p = procs.putObject(e.getKey());
            putFinite(p, "cpu_seconds", f.cpuSeconds());
            putFinite(p, "rss_start_mib", f.rssStart / 1048576);
            putFinite(p, "rss_end_mib", f.rssEnd / 1048576);
            putFinite(p, "rss_max_mib", f.rssMax / 1048576);
        }
        root.set("notes", JSON.valueToTree(r.notes));
        ObjectNode series = root.putObject("series");
        series.set("t_s", JSON.valueToTree(r.timeline.seconds()));
        for (Map.Entry<String, List<Double>> e : r.timeline.series().entrySet()) {
            series.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
        return root;
    }

    static ObjectNode latency(Histogram h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", h.getTotalCount());
        n.put("min", h.getMinValue() / 1000.0);
        n.put("mean", Math.round(h.getMean()) / 1000.0);
        for (double p : new double[] {50, 75, 90, 95, 99, 99.9, 99.99}) {
            n.put("p" + (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)), h.getValueAtPercentile(p) / 1000.0);
        }
        n.put("max", h.getMaxValue() / 1000.0);
        ArrayNode dist = n.putArray("distribution");
        for (HistogramIterationValue v : h.percentiles(5)) {
            ArrayNode pt = dist.addArray();
            pt.add(Math.round(v.getPercentileLevelIteratedTo() * 10000) / 10000.0);
            pt.add(h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
        }
        return n;
    }

    private static void putFinite(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, Math.round(v * 100) / 100.0);
        }
    }
}
