/*
 * Part of scripts/interop.sh, compiled with Interop.java: the stanzas a failed test sent and received, one line each,
 * read from the SINT log of a run with Smack's console debugger on (--debug; CI runs with it). A test that fails once
 * in many runs (CI's) can then be read from that run's output instead of being run again until it fails.
 */
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class InteropTrace {
    /** At most this many stanzas per test, the last ones (the failure is at the end). */
    static final int MAX_STANZAS = 24;
    /** A stanza's line is cut to this many characters. */
    static final int MAX_WIDTH = 320;

    /** Smack's console debugger: "HH:MM:SS.mmm SENT (connection): " then the XML on the lines after it. */
    private static final Pattern TRAFFIC = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{1,3}) (SENT|RECV) \\((\\d+)\\): ?$");
    /** What every presence of Smack carries and says nothing about a failure: its priority and its caps. */
    private static final Pattern NOISE = Pattern.compile("<priority>-?\\d+</priority>|<c xmlns=['\"]http://jabber.org/protocol/caps['\"][^>]*/>");

    private InteropTrace() {
    }

    /**
     * The stanzas of the last run of test {@code id} (Class.method, a "/connection" suffix ignored) that failed, each
     * on one line, "time SENT|RECV (connection) the stanza's XML", XEP-0198 acks left out; empty when the log has no
     * such run or no traffic (a run without --debug).
     */
    static List<String> of(Path log, String id) throws IOException {
        String name = id.contains("/") ? id.substring(0, id.indexOf('/')) : id;
        String marker = ": " + name + " (";
        Deque<String> current = null;
        List<String> failed = List.of();
        String head = null;
        StringBuilder element = null;
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                boolean top = line.startsWith("<") && !line.startsWith("</");
                boolean indented = !line.isEmpty() && Character.isWhitespace(line.charAt(0));
                if (element != null && (top || !(indented || line.startsWith("</")))) {
                    keep(current, head, element);
                    element = null;
                }
                if (line.contains(marker)) {
                    if (line.endsWith(" Start")) {
                        current = new ArrayDeque<>();
                    } else if (current != null && line.endsWith(" Failed")) {
                        failed = new ArrayList<>(current);
                        current = null;
                    } else {
                        current = null;
                    }
                    head = null;
                    continue;
                }
                Matcher m = TRAFFIC.matcher(line);
                if (m.matches()) {
                    head = m.group(1) + " " + m.group(2) + " (" + m.group(3) + ") ";
                } else if (current != null && head != null && top) {
                    element = new StringBuilder(line.strip());
                } else if (element != null) {
                    element.append(line.strip());
                } else if (!indented) {
                    head = null; // a log line of its own: the traffic before it has ended
                }
            }
        }
        return failed;
    }

    /** Adds one element of the traffic to the test's trace, unless it is not a stanza (XEP-0198's acks are not). */
    private static void keep(Deque<String> trace, String head, StringBuilder element) {
        String xml = NOISE.matcher(element).replaceAll("");
        if (trace == null || head == null || !isStanzaStart(xml)) {
            return;
        }
        trace.addLast(cut(head + xml));
        if (trace.size() > MAX_STANZAS) {
            trace.removeFirst();
        }
    }

    /** A top-level element of a stream as the debugger prints it: stanzas, and the stream's own elements. */
    private static boolean isStanzaStart(String xml) {
        return xml.startsWith("<message") || xml.startsWith("<presence") || xml.startsWith("<iq")
            || xml.startsWith("<stream:") || xml.startsWith("<open") || xml.startsWith("<close");
    }

    private static String cut(String s) {
        return s.length() <= MAX_WIDTH ? s : s.substring(0, MAX_WIDTH - 1) + "…";
    }
}
