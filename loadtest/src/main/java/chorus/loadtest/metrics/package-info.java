/** What a run measures: latency histograms, counters, per-second series, server processes. */
package chorus.loadtest.metrics;
