package chorus.loadtest.metrics;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The named latencies, counters and gauges of a run. Each tick puts, for every latency, its interval's
 * count and percentiles; for every counter, its rate; for every gauge, its value into the timeline.
 */
public final class Metrics {
    private final Map<String, Latency> latencies = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final List<String> order = new ArrayList<>();

    public Latency latency(String name) {
        return latencies.computeIfAbsent(name, n -> {
            remember(n);
            return new Latency(n);
        });
    }

    public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> {
            remember(n);
            return new Counter(n);
        });
    }

    public void gauge(String name, DoubleSupplier value) {
        remember(name);
        gauges.put(name, value);
    }

    private synchronized void remember(String name) {
        order.add(name);
    }

    private synchronized List<String> names() {
        return List.copyOf(order);
    }

    /** Puts this interval's figures into the current row of the timeline. */
    public void tick(Timeline t, double intervalSeconds) {
        for (String name : names()) {
            Latency l = latencies.get(name);
            if (l != null) {
                Histogram h = l.interval();
                t.put(name + ".count", h.getTotalCount());
                if (h.getTotalCount() > 0) {
                    t.put(name + ".p50_ms", Latency.ms(h.getValueAtPercentile(50)));
                    t.put(name + ".p99_ms", Latency.ms(h.getValueAtPercentile(99)));
                    t.put(name + ".max_ms", Latency.ms(h.getMaxValue()));
                }
                continue;
            }
            Counter c = counters.get(name);
            if (c != null) {
                t.put(name + ".per_s", c.delta() / intervalSeconds);
                continue;
            }
            DoubleSupplier g = gauges.get(name);
            if (g != null) {
                t.put(name, g.getAsDouble());
            }
        }
    }

    /** The whole run's histogram of each latency that recorded anything, by name. */
    public Map<String, Histogram> latencyTotals() {
        Map<String, Histogram> out = new LinkedHashMap<>();
        for (String name : names()) {
            Latency l = latencies.get(name);
            if (l != null) {
                Histogram h = l.total();
                if (h.getTotalCount() > 0) {
                    out.put(name, h);
                }
            }
        }
        return out;
    }

    public Map<String, Long> counterTotals() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : names()) {
            Counter c = counters.get(name);
            if (c != null) {
                out.put(name, c.get());
            }
        }
        return out;
    }
}
