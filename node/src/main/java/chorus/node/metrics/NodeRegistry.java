package chorus.node.metrics;

import chorus.actors.metrics.NodeMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one meter registry of a node (Micrometer's Prometheus registry), with the JVM's meters bound to it
 * and the node's named meters ({@link NodeMetrics}) made from it. Created first in {@code ChorusNode} so the
 * Cassandra driver sessions can report to it; closed with the node.
 */
public final class NodeRegistry implements AutoCloseable {
    private final PrometheusMeterRegistry prometheus;
    private final NodeMetrics metrics;
    private final JvmGcMetrics gc;

    private NodeRegistry(PrometheusMeterRegistry prometheus, JvmGcMetrics gc) {
        this.prometheus = prometheus;
        this.gc = gc;
        this.metrics = new NodeMetrics(prometheus);
    }

    public static NodeRegistry create() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(r);
        new JvmMemoryMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        new FileDescriptorMetrics().bindTo(r);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(r);
        return new NodeRegistry(r, gc);
    }

    public PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    /**
     * The exposition for a scrape: OpenMetrics when the scraper's Accept header asks for it, else the
     * Prometheus text format. Returns the content type and the body.
     */
    public Scrape scrape(String accept) {
        String type = accept != null && accept.contains("application/openmetrics-text")
            ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
            : "text/plain; version=0.0.4; charset=utf-8";
        return new Scrape(type, prometheus.scrape(type));
    }

    public record Scrape(String contentType, String body) {
    }

    @Override
    public void close() {
        gc.close();
        prometheus.close();
    }
}
