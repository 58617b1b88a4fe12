package chorus.node.stream;

/**
 * How much a peer may send before the stream is closed with {@code <policy-violation/>}: the decoder counts
 * bytes as they arrive, and attributes and namespace declarations of a start tag before it builds anything
 * from it, so no stanza over a limit is ever held whole in memory.
 *
 * @param maxStanzaBytes the largest first-level element (stanza or negotiation element), in bytes as received
 * @param maxDepth       the deepest element nesting inside a stanza; the stanza itself is depth 1
 * @param maxHeaderBytes the most bytes before the stream header is complete, XML declaration included
 * @param maxAttributes  the most attributes on one element (namespace declarations not counted)
 * @param maxNamespaces  the most namespace declarations on one element
 */
public record StreamLimits(int maxStanzaBytes, int maxDepth, int maxHeaderBytes, int maxAttributes, int maxNamespaces) {

    /** 256 KiB stanzas, 64 levels, 8 KiB of stream header, 100 attributes and 20 namespace declarations per element. */
    public static final StreamLimits DEFAULTS = new StreamLimits(262_144, 64, 8_192, 100, 20);

    public StreamLimits {
        if (maxStanzaBytes < 1 || maxDepth < 1 || maxHeaderBytes < 1 || maxAttributes < 1 || maxNamespaces < 1) {
            throw new IllegalArgumentException("stream limits must be positive");
        }
    }

    /** These sizes, with the default caps on attributes and namespace declarations. */
    public StreamLimits(int maxStanzaBytes, int maxDepth, int maxHeaderBytes) {
        this(maxStanzaBytes, maxDepth, maxHeaderBytes, DEFAULTS_ATTRIBUTES, DEFAULTS_NAMESPACES);
    }

    private static final int DEFAULTS_ATTRIBUTES = 100;
    private static final int DEFAULTS_NAMESPACES = 20;
}
