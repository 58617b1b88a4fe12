package chorus.loadtest.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-second series of a run: one row per tick, a value (or nothing) per named series in each row. */
public final class Timeline {
    private final List<Double> seconds = new ArrayList<>();
    private final Map<String, List<Double>> series = new LinkedHashMap<>();

    /** Starts the row of this tick. */
    public synchronized void row(double atSeconds) {
        seconds.add(atSeconds);
    }

    /** Sets a value in the current row. */
    public synchronized void put(String name, double value) {
        if (seconds.isEmpty()) {
            throw new IllegalStateException("no row yet");
        }
        List<Double> s = series.computeIfAbsent(name, k -> new ArrayList<>());
        int row = seconds.size() - 1;
        while (s.size() < row) {
            s.add(null);
        }
        if (s.size() == row) {
            s.add(Double.isFinite(value) ? value : null);
        } else {
            s.set(row, Double.isFinite(value) ? value : null);
        }
    }

    public synchronized List<Double> seconds() {
        return List.copyOf(seconds);
    }

    /** Every series, padded with nulls to the number of rows. */
    public synchronized Map<String, List<Double>> series() {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            List<Double> s = new ArrayList<>(e.getValue());
            while (s.size() < seconds.size()) {
                s.add(null);
            }
            out.put(e.getKey(), s);
        }
        return out;
    }
}
