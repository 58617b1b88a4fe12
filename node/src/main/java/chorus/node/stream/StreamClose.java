package chorus.node.stream;

/** The end of our stream, {@code </stream:stream>} (RFC 6120 §4.4). */
public enum StreamClose {
    INSTANCE;

    void writeTo(StringBuilder out) {
        out.append("</stream:stream>");
    }
}
