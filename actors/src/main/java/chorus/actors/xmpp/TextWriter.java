package chorus.actors.xmpp;

/**
 * Writes character data as short as its content allows: escaped ({@code &lt;}, {@code &amp;}) where that is
 * shorter, in CDATA sections where those are. A peer had to send every {@code <} and {@code &} of a text
 * either escaped (4 or 5 bytes) or inside CDATA (9 + 3 bytes per section), so the cheapest mix, found by a
 * pass over the text with two states, is never longer than what it sent.
 */
final class TextWriter {
    /** {@code <![CDATA[} and {@code ]]>}. */
    private static final int OPEN = 9;
    private static final int CLOSE = 3;
    /** "]]>" inside a section: {@code ]]]]><![CDATA[>}. */
    private static final int SPLIT = OPEN + CLOSE;
    private static final int INF = Integer.MAX_VALUE / 4;

    private TextWriter() {
    }

    static void write(String s, StringBuilder out) {
        if (!needsChoice(s)) {
            escaped(s, 0, s.length(), out);
            return;
        }
        int n = s.length();
        // cost[i][m]: the cheapest writing of s[0, i) ending in mode m (0 escaped, 1 CDATA, section open).
        // from[i][m]: the mode at i-1 it came from.
        long e = 0;
        long c = INF;
        boolean[] fromCdataE = new boolean[n + 1];
        boolean[] fromCdataC = new boolean[n + 1];
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            boolean afterBrackets = i >= 2 && ch == '>' && s.charAt(i - 1) == ']' && s.charAt(i - 2) == ']';
            int ec = escapedCost(ch, afterBrackets);
            int cc = ch == '\r' ? INF : afterBrackets ? 1 + SPLIT : 1;
            // Into escaped at i: from escaped, or close a section first.
            long viaE = e + ec;
            long viaCclose = c + CLOSE + ec;
            long newE = Math.min(viaE, viaCclose);
            fromCdataE[i + 1] = viaCclose < viaE;
            // Into CDATA at i: stay in the section, or open one.
            long viaC = c + cc;
            long viaEopen = e + OPEN + cc;
            long newC = Math.min(viaC, viaEopen);
            fromCdataC[i + 1] = viaC <= viaEopen;
            e = Math.min(newE, INF);
            c = Math.min(newC, INF);
        }
        boolean endInCdata = c + CLOSE < e;
        // Walk back to the modes of each character.
        boolean[] cdata = new boolean[n];
        boolean mode = endInCdata;
        for (int i = n; i > 0; i--) {
            cdata[i - 1] = mode;
            mode = mode ? fromCdataC[i] : fromCdataE[i];
        }
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && cdata[j] == cdata[i]) {
                j++;
            }
            if (cdata[i]) {
                section(s, i, j, out);
            } else {
                escaped(s, i, j, out);
            }
            i = j;
        }
    }

    /** Only text with several {@code <} or {@code &} can be shorter in CDATA. */
    private static boolean needsChoice(String s) {
        int specials = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char ch = s.charAt(i);
            if ((ch == '<' || ch == '&') && ++specials > 3) {
                return true;
            }
        }
        return false;
    }

    private static int escapedCost(char ch, boolean afterBrackets) {
        switch (ch) {
            case '&': return 5;
            case '<': return 4;
            case '\r': return 5;
            case '>': return afterBrackets ? 4 : 1;
            default: return 1;
        }
    }

    private static void escaped(String s, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                // XML 1.0 §2.4: "]]>" may not appear in character data.
                case '>':
                    if (i >= 2 && s.charAt(i - 1) == ']' && s.charAt(i - 2) == ']') {
                        out.append("&gt;");
                    } else {
                        out.append('>');
                    }
                    break;
                // A parser would turn a literal CR into LF (XML 1.0 §2.11).
                case '\r': out.append("&#13;"); break;
                default: out.append(ch);
            }
        }
    }

    private static void section(String s, int from, int to, StringBuilder out) {
        out.append("<![CDATA[");
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch == '>' && i >= from + 2 && s.charAt(i - 1) == ']' && s.charAt(i - 2) == ']') {
                out.append("]]><![CDATA[");
            }
            out.append(ch);
        }
        out.append("]]>");
    }
}
