package chorus.node.admin.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A few of this node's meters for the overview page, read from the registry (/metrics has them all). */
final class MetricsSummary {
    private MetricsSummary() {
    }

    static Map<String, String> of(MeterRegistry r) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("Client sessions", whole(r.find("chorus.sessions").gauges().stream().mapToDouble(Gauge::value).sum()));
        out.put("Client connections", whole(r.find("chorus.connections").gauges().stream().mapToDouble(Gauge::value).sum()));
        double ok = r.find("chorus.logins").tag("outcome", "success").counters().stream().mapToDouble(Counter::count).sum();
        double all = r.find("chorus.logins").counters().stream().mapToDouble(Counter::count).sum();
        out.put("Logins / failed logins", whole(ok) + " / " + whole(all - ok));
        out.put("Stanzas in / out",
            whole(r.find("chorus.stanzas").tag("direction", "in").counters().stream().mapToDouble(Counter::count).sum()) + " / "
                + whole(r.find("chorus.stanzas").tag("direction", "out").counters().stream().mapToDouble(Counter::count).sum()));
        long requests = 0;
        double seconds = 0;
        for (Timer t : r.find("cassandra.session.cql-requests").timers()) {
            requests += t.count();
            seconds += t.totalTime(TimeUnit.SECONDS);
        }
        out.put("Cassandra requests (mean latency)", requests + (requests == 0 ? ""
            : String.format(" (%.1f ms)", seconds * 1000 / requests)));
        double heap = r.find("jvm.memory.used").tag("area", "heap").gauges().stream().mapToDouble(Gauge::value).sum();
        out.put("Heap used", String.format("%.0f MiB", heap / (1024 * 1024)));
        double up = r.find("process.uptime").timeGauges().stream().mapToDouble(g -> g.value(TimeUnit.SECONDS)).sum();
        out.put("Up for", String.format("%.0f min", up / 60));
        return out;
    }

    private static String whole(double v) {
        return Long.toString(Math.round(v));
    }
}
