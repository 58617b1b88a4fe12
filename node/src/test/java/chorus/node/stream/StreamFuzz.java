package chorus.node.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile XMPP stream content (what follows the stream header): well-formed stanzas
 * of many shapes, the shapes that cost parsers memory (prefixed attributes with long namespaces, many
 * declarations, attributes, children, deep nesting, long names and text, CDATA, whitespace floods), what
 * RFC 6120 §11 forbids (DTDs, comments, PIs, entities), and byte-level mutations of all of these (flips,
 * cuts, repeats, invalid UTF-8). The same seed gives the same inputs, so a failure can be replayed.
 */
public final class StreamFuzz {
    private static final String[] NAMES = {"message", "presence", "iq", "body", "x", "query", "item", "p:x", "a", "b"};
    private static final String[] NAMESPACES = {"jabber:client", "urn:xmpp:ping", "jabber:iq:roster",
        "http://jabber.org/protocol/disco#info", "urn:example:x", ""};
    private static final String[] TEXT = {"hello", "a < b & c", "]]>", "\u00e9\u65e5\ud83d\ude00", "&amp;&lt;&gt;&quot;&apos;",
        "&#x1F600;&#13;", " \t\n", "x"};

    private final Random random;

    public StreamFuzz(long seed) {
        this.random = new Random(seed);
    }

    /** The next input: bytes to send after a stream header. */
    public byte[] next() {
        String xml;
        switch (random.nextInt(6)) {
            case 0: xml = stanza(3); break;
            case 1: xml = costly(); break;
            case 2: xml = forbidden(); break;
            case 3: xml = stanza(2) + stanza(2); break;
            default: xml = stanza(4);
        }
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        return random.nextInt(3) == 0 ? mutate(bytes) : bytes;
    }

    /** A well-formed first-level element, sometimes a real stanza, sometimes not. */
    public String stanza(int depth) {
        String[] top = {"message", "presence", "iq"};
        String name = random.nextInt(5) == 0 ? pick(NAMES) : pick(top);
        StringBuilder sb = new StringBuilder("<").append(name);
        if (name.contains(":")) {
            sb.append(" xmlns:p='").append(pick(NAMESPACES)).append("x'");
        }
        if (name.equals("iq")) {
            sb.append(" type='").append(pick(List.of("get", "set", "result", "error", "bogus"))).append("' id='i")
                .append(random.nextInt(1000)).append('\'');
        }
        if (random.nextBoolean()) {
            sb.append(" to='").append(pick(List.of("bob@chorus.test", "chorus.test", "x@y/z", "@@", "nobody@chorus.test/r")))
                .append('\'');
        }
        attributes(sb, random.nextInt(4));
        content(sb, name, depth);
        return sb.toString();
    }

    private void content(StringBuilder sb, String name, int depth) {
        if (depth <= 0 || random.nextInt(4) == 0) {
            sb.append("/>");
            return;
        }
        sb.append('>');
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
            if (random.nextBoolean()) {
                sb.append(pick(TEXT));
            } else {
                String child = pick(NAMES);
                sb.append('<').append(child);
                if (child.contains(":")) {
                    sb.append(" xmlns:p='").append(pick(NAMESPACES)).append("p'");
                } else if (random.nextBoolean()) {
                    sb.append(" xmlns='").append(pick(NAMESPACES)).append('\'');
                }
                attributes(sb, random.nextInt(3));
                content(sb, child, depth - 1);
            }
        }
        sb.append("</").append(name).append('>');
    }

    private void attributes(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0: sb.append(" xml:lang='en'"); break;
                case 1: sb.append(" q:a").append(i).append("='v' xmlns:q='urn:q").append(random.nextInt(3)).append('\''); break;
                default: sb.append(" a").append(i).append("=\"").append(pick(List.of("1", "'\"", "&amp;", "<", ">"))
                    .replace("<", "&lt;").replace("\"", "&quot;")).append('"');
            }
        }
    }

    /** The shapes that cost a naive parser or writer more than their bytes. */
    private String costly() {
        int n = 1 + random.nextInt(4000);
        String uri = "urn:" + "u".repeat(1 + random.nextInt(20_000));
        StringBuilder sb = new StringBuilder();
        switch (random.nextInt(9)) {
            case 0:
                sb.append("<message xmlns:p='").append(uri).append('\'');
                for (int i = 0; i < n; i++) {
                    sb.append(" p:a").append(i).append("=''");
                }
                return sb.append("/>").toString();
            case 1:
                sb.append("<message xmlns:p='").append(uri).append("'>");
                for (int i = 0; i < n; i++) {
                    sb.append("<p:x p:a=''/>");
                }
                return sb.append("</message>").toString();
            case 2:
                sb.append("<message");
                for (int i = 0; i < n; i++) {
                    sb.append(" xmlns:n").append(i).append("='u").append(i).append('\'');
                }
                return sb.append("/>").toString();
            case 3:
                return "<message>" + "<x>".repeat(n) + "</x>".repeat(n) + "</message>";
            case 4:
                return "<" + "n".repeat(n * 10) + "/>";
            case 5:
                return "<message><body>" + "a&amp;<![CDATA[<<]]>".repeat(n) + "</body></message>";
            case 6:
                return " \n\t\r".repeat(n * 50) + stanza(1);
            case 7:
                sb.append("<message");
                for (int i = 0; i < n; i++) {
                    sb.append(" a").append(i).append("='1'");
                }
                return sb.append("/>").toString();
            default:
                return "<message><body>" + "x".repeat(n * 100) + "</body></message>";
        }
    }

    /** What RFC 6120 §11 forbids, and text or end tags where there may be none. */
    private String forbidden() {
        return pick(List.of("<!DOCTYPE x [<!ENTITY a 'b'>]>", "<!-- c -->", "<?pi x?>", "<message>&lol;</message>",
            "text between stanzas", "</stream:stream>", "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
            "<message><unbound:x/></message>", "<message a='1' a='2'/>", "<message></presence>", "<"));
    }

    private byte[] mutate(byte[] in) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = in.clone();
        switch (random.nextInt(5)) {
            case 0:
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
                return out;
            case 1:
                return java.util.Arrays.copyOf(out, random.nextInt(out.length));
            case 2: {
                int at = random.nextInt(out.length);
                int len = Math.min(out.length - at, 1 + random.nextInt(64));
                byte[] grown = new byte[out.length + len * 3];
                System.arraycopy(out, 0, grown, 0, at + len);
                for (int k = 1; k <= 3; k++) {
                    System.arraycopy(out, at, grown, at + len * k, len);
                }
                System.arraycopy(out, at + len, grown, at + len * 4, out.length - at - len);
                return grown;
            }
            case 3:
                out[random.nextInt(out.length)] = (byte) (0x80 | random.nextInt(0x40)); // a stray continuation byte
                return out;
            default:
                out[random.nextInt(out.length)] = (byte) "<>&'\"/=:!?;".charAt(random.nextInt(11));
                return out;
        }
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }

    private String pick(List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** Splits bytes in random pieces, as TCP might deliver them. */
    public int[] pieces(int length) {
        int n = 1 + random.nextInt(4);
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = 1 + random.nextInt(Math.max(1, length));
        }
        return sizes;
    }
}
