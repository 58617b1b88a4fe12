package chorus.loadtest.scenario;

/**
 * What a measured message or presence carries in its body or status: the run it belongs to, the
 * ledger (a tag), its sequence number and the time it was due to be sent ({@code System.nanoTime()}
 * of the generator, which both sends and receives). Anything else, such as messages stored by an
 * earlier run, is not counted.
 */
record Payload(String run, String tag, long seq, long dueNanos) {
    static final String MAGIC = "lt1";

    String encode(int padding) {
        String s = MAGIC + " " + run + " " + tag + " " + seq + " " + dueNanos;
        return padding <= s.length() ? s : s + " " + "x".repeat(padding - s.length() - 1);
    }

    /** The payload in a text, or null when it is none of ours. */
    static Payload decode(String text) {
        if (text == null || !text.startsWith(MAGIC + " ")) {
            return null;
        }
        String[] p = text.split(" ", 6);
        if (p.length < 5) {
            return null;
        }
        try {
            return new Payload(p[1], p[2], Long.parseLong(p[3]), Long.parseLong(p[4]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The id attribute of a measured message: its tag and sequence number, so an error reply is matched. */
    String stanzaId() {
        return tag + "-" + seq;
    }
}
