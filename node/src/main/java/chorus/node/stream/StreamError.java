package chorus.node.stream;

import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.XmlWriter;

/**
 * A stream error and the end of our stream (RFC 6120 §4.9.1.1): written as {@code <stream:error>} followed
 * by {@code </stream:stream>}. If the peer's header was at fault, send a {@link StreamHeader} first.
 *
 * @param condition one of {@link StreamErrors}
 * @param text      a human-readable reason, or null
 */
public record StreamError(String condition, String text, String conditionText) {

    public StreamError(String condition, String text) {
        this(condition, text, null);
    }

    /** RFC 6120 §4.9.3.19: the client should connect to this host (and port) instead. */
    public static StreamError seeOtherHost(String hostAndPort, String text) {
        return new StreamError(StreamErrors.SEE_OTHER_HOST, text, hostAndPort);
    }

    public StreamError {
        if (!StreamErrors.isDefined(condition)) {
            throw new IllegalArgumentException("not a stream error condition: " + condition);
        }
    }

    public static StreamError of(String condition) {
        return new StreamError(condition, null);
    }

    public void writeTo(StringBuilder out) {
        writeElementTo(out, false);
        StreamClose.INSTANCE.writeTo(out);
    }

    /**
     * Only the {@code <stream:error>} element, for transports that frame each element on its own (RFC 7395 §3.5,
     * XEP-0206): {@code declarePrefix} declares the {@code stream} prefix on it, as no stream header did.
     */
    public void writeElementTo(StringBuilder out, boolean declarePrefix) {
        out.append("<stream:error");
        if (declarePrefix) {
            out.append(" xmlns:stream='").append(Ns.STREAMS).append('\'');
        }
        out.append("><").append(condition).append(" xmlns='").append(Ns.STREAM_ERRORS).append('\'');
        if (conditionText == null || conditionText.isEmpty()) {
            out.append("/>");
        } else {
            out.append('>');
            XmlWriter.escapeText(conditionText, out);
            out.append("</").append(condition).append('>');
        }
        if (text != null && !text.isEmpty()) {
            out.append("<text xmlns='").append(Ns.STREAM_ERRORS).append("'>");
            XmlWriter.escapeText(text, out);
            out.append("</text>");
        }
        out.append("</stream:error>");
    }
}
