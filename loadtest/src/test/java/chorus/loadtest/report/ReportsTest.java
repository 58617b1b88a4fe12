package chorus.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportsTest {
    static Report sample(String label, double rate, double rss) {
        return sample("chat", label, rate, rss);
    }

    static Report sample(String scenario, String label, double rate, double rss) {
        Report r = new Report(scenario, label);
        r.seconds = 3;
        r.param("rate_per_s", 100);
        r.figure("achieved_per_s", rate);
        r.figure("rss_per_session_kib", rss);
        r.figure("not_a_number", Double.NaN);
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 10L);
        }
        r.latency("message", h);
        r.steps.add(Map.of("rate_per_s", 100, "p99_ms", 5.0));
        for (int s = 1; s <= 3; s++) {
            r.timeline.row(s);
            r.timeline.put("message.p50_ms", 1.0 * s);
            r.timeline.put("message.p99_ms", 2.0 * s);
            r.timeline.put("messages_sent.per_s", 100);
            r.timeline.put("chorus.cpu_pct", 50);
            r.timeline.put("chorus.rss_mib", 300);
        }
        return r;
    }

    @Test
    void theJsonHoldsFiguresPercentilesAndSeries() {
        JsonNode j = JsonReport.toJson(sample("chorus", 99.5, 20));
        assertEquals("chat", j.get("scenario").asText());
        assertEquals(99.5, j.at("/figures/achieved_per_s").asDouble());
        assertTrue(j.at("/figures/not_a_number").isNull());
        assertEquals(1000, j.at("/latencies_ms/message/count").asLong());
        assertEquals(9.9, j.at("/latencies_ms/message/p99").asDouble(), 0.05);
        assertTrue(j.at("/latencies_ms/message/distribution").size() > 10);
        assertEquals(3, j.at("/series/t_s").size());
        assertEquals(4.0, j.at("/series/message.p99_ms/1").asDouble());
    }

    @Test
    void theHtmlPageHasTheTablesAndInlinedPlots() throws Exception {
        String html = HtmlReport.render(sample("chorus", 99.5, 20));
        assertTrue(html.contains("<h1>chat against chorus</h1>"));
        assertTrue(html.contains("achieved_per_s"));
        long images = html.split("data:image/png;base64,", -1).length - 1;
        // latency over time, its distribution, throughput, CPU, RSS
        assertEquals(5, images);
    }

    @Test
    void theSummaryFitsOnAScreen() {
        String text = TextSummary.render(sample("chorus", 99.5, 20));
        assertTrue(text.startsWith("== chat against chorus"));
        assertTrue(text.lines().count() < 40);
        assertTrue(text.contains("achieved_per_s"));
    }

    @Test
    void aComparisonGivesEachServersFigureAndItsRatioToTheFirst(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        JsonReport.write(sample("chorus", 100, 20), a);
        JsonReport.write(sample("prosody", 50, 40), b);
        Comparison c = Comparison.of(List.of(a, b));
        String text = c.text();
        String line = text.lines().filter(l -> l.startsWith("chat: achieved_per_s")).findFirst().orElseThrow();
        assertTrue(line.matches(".*100 +50.00 +0.50$"), line);
        c.writeHtml(dir.resolve("c.html"));
        String html = Files.readString(dir.resolve("c.html"));
        assertTrue(html.contains("data:image/png;base64,"));
        assertTrue(new ObjectMapper().readTree(a.toFile()).has("series"));
    }

    @Test
    void threeServersGetTwoRatiosAndEachVariantAndLoadARowOfItsOwn(@TempDir Path dir) throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        String[] labels = {"chorus", "ejabberd", "prosody"};
        for (int i = 0; i < labels.length; i++) {
            for (String variant : new String[] {"8000", "11000"}) {
                Report r = sample("chat-" + variant, labels[i], (i + 1) * (variant.equals("8000") ? 100 : 1000), 10);
                r.param("load_at_start", 2.0 + i);
                Path f = dir.resolve(labels[i] + variant + ".json");
                JsonReport.write(r, f);
                files.add(f);
            }
        }
        String text = Comparison.of(files).text();
        String header = text.lines().findFirst().orElseThrow();
        assertTrue(header.contains("ejab…/chorus") && header.contains("pros…/chorus"), header);
        assertTrue(text.lines().anyMatch(l -> l.matches("chat-8000: achieved_per_s +100 +200 +300 +2.00 +3.00")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("chat-11000: achieved_per_s +1000 +2000 +3000 +2.00 +3.00")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("chat-8000: load_at_start +2(\\.00)? +3(\\.00)? +4(\\.00)? +1.50 +2.00")), text);
    }
}
