package chorus.loadtest.scenario;

import chorus.loadtest.client.Ns;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.report.Report;
import chorus.loadtest.xml.XmlElement;
import org.HdrHistogram.Histogram;

/** What every simulated client does without being asked, and the figures every scenario reports. */
final class Answers {
    private Answers() {
    }

    /**
     * Answers requests from the server: a roster push gets its empty result (RFC 6121 §2.1.6), a ping
     * its result (XEP-0199), anything else service-unavailable (RFC 6120 §8.4). True when it was a request.
     */
    static boolean request(XmppSession s, XmlElement iq) {
        if (!iq.is("iq", Ns.CLIENT)) {
            return false;
        }
        String type = iq.attr("type");
        if (!"get".equals(type) && !"set".equals(type)) {
            return false;
        }
        String id = iq.attr("id");
        if (id == null) {
            return true;
        }
        boolean known = ("set".equals(type) && iq.child("query", Ns.ROSTER) != null)
            || ("get".equals(type) && iq.child("ping", "urn:xmpp:ping") != null);
        s.send(known ? Stanzas.iqResult(iq.attr("from"), id) : Stanzas.iqUnsupported(iq.attr("from"), id));
        return true;
    }

    /** Puts a latency's percentiles (milliseconds) into the figures under {@code prefix}. */
    static void percentiles(Report report, String prefix, Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return;
        }
        report.figure(prefix + "_p50_ms", Latency.ms(h.getValueAtPercentile(50)));
        report.figure(prefix + "_p90_ms", Latency.ms(h.getValueAtPercentile(90)));
        report.figure(prefix + "_p99_ms", Latency.ms(h.getValueAtPercentile(99)));
        report.figure(prefix + "_p999_ms", Latency.ms(h.getValueAtPercentile(99.9)));
        report.figure(prefix + "_max_ms", Latency.ms(h.getMaxValue()));
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isFinite(v) ? Math.round(v * f) / f : v;
    }
}
