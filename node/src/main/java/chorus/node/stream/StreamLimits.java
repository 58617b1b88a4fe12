package chorus.node.stream;

/**
 * How much a peer may send before the stream is closed with {@code <policy-violation/>}: the decoder counts
 * bytes as they arrive, so no stanza over the limit is ever held whole in memory.
 *
 * @param maxStanzaBytes the largest first-level element (stanza or negotiation element), in bytes as received
 * @param maxDepth       the deepest element nesting inside a stanza; the stanza itself is depth 1
 * @param maxHeaderBytes the most bytes before the stream header is complete, XML declaration included
 */
public record StreamLimits(int maxStanzaBytes, int maxDepth, int maxHeaderBytes) {

    /** 256 KiB stanzas, 64 levels, 8 KiB of stream header. */
    public static final StreamLimits DEFAULTS = new StreamLimits(262_144, 64, 8_192);

    public StreamLimits {
        if (maxStanzaBytes < 1 || maxDepth < 1 || maxHeaderBytes < 1) {
            throw new IllegalArgumentException("stream limits must be positive");
        }
    }
}
