package chorus.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Several runs of the same scenarios side by side (e.g. Chorus and Prosody on one machine): each
 * numeric figure of each run, and its ratio to the first run's, as text and as an HTML page with
 * bar charts of the rates, latencies and per-session costs.
 */
public final class Comparison {
    /** The machine's load average when the run started (a parameter of each run): shown beside its figures. */
    private static final String LOAD = "load_at_start";

    private final List<JsonNode> runs = new ArrayList<>();

    public static Comparison of(List<Path> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Comparison c = new Comparison();
        for (Path f : files) {
            c.runs.add(json.readTree(f.toFile()));
        }
        return c;
    }

    /** The servers compared, in order of first appearance: the runs' labels. */
    private List<String> labels() {
        Set<String> labels = new LinkedHashSet<>();
        for (JsonNode r : runs) {
            labels.add(r.path("label").asText("?"));
        }
        return List.copyOf(labels);
    }

    /** Rows "scenario: figure" with a value per server and each server's ratio to the first's. */
    public String text() {
        List<String> labels = labels();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-46s", "scenario: figure"));
        for (String l : labels) {
            b.append(String.format(Locale.ROOT, "%13s", trim(l, 12)));
        }
        for (int i = 1; i < labels.size(); i++) {
            b.append(String.format(Locale.ROOT, "%13s", trim(labels.get(i), 5) + "/" + trim(labels.get(0), 6)));
        }
        b.append(System.lineSeparator());
        for (String key : keys()) {
            String[] sk = key.split("\\|");
            b.append(String.format(Locale.ROOT, "%-46s", trim(sk[0] + ": " + sk[1], 45)));
            List<Double> values = new ArrayList<>();
            for (String l : labels) {
                Double v = value(l, sk[0], sk[1]);
                values.add(v);
                b.append(String.format(Locale.ROOT, "%13s", v == null ? "-" : TextSummary.format(v)));
            }
            Double first = values.get(0);
            for (int i = 1; i < values.size(); i++) {
                Double v = values.get(i);
                b.append(String.format(Locale.ROOT, "%13s", v == null || first == null || first == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f", v / first)));
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

    public void writeHtml(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        HtmlReport.Html h = new HtmlReport.Html("Comparison: " + String.join(", ", labels()));
        h.raw("<pre>" + HtmlReport.Html.esc(text()) + "</pre>");
        for (String key : keys()) {
            String[] sk = key.split("\\|");
            String f = sk[1];
            if (!(f.contains("per_s") || f.contains("p99") || f.contains("per_session") || f.startsWith("max_"))) {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (String l : labels()) {
                Double v = value(l, sk[0], f);
                if (v != null) {
                    names.add(l);
                    values.add(v);
                }
            }
            if (values.size() < 2) {
                continue;
            }
            CategoryChart c = new CategoryChartBuilder().width(640).height(300).title(sk[0] + ": " + f).build();
            c.getStyler().setLegendVisible(false);
            c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            c.getStyler().setLabelsVisible(true);
            c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            c.addSeries(f, names, values);
            h.image(BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
        }
        Files.writeString(file, h.end(), StandardCharsets.UTF_8);
    }

    /** "scenario|figure" for every numeric figure of any run and its load at start, in first-seen order. */
    private Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode r : runs) {
            String scenario = r.path("scenario").asText();
            if (r.path("params").path(LOAD).isNumber()) {
                keys.add(scenario + "|" + LOAD);
            }
            Iterator<String> it = r.path("figures").fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                if (r.path("figures").get(f).isNumber()) {
                    keys.add(scenario + "|" + f);
                }
            }
        }
        return keys;
    }

    /** The figure of the last run of that server and scenario. */
    private Double value(String label, String scenario, String figure) {
        Double out = null;
        for (JsonNode run : runs) {
            if (run.path("label").asText("?").equals(label) && run.path("scenario").asText().equals(scenario)) {
                JsonNode v = figure.equals(LOAD) ? run.path("params").get(LOAD) : run.path("figures").get(figure);
                out = v == null || !v.isNumber() ? out : Double.valueOf(v.asDouble());
            }
        }
        return out;
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
