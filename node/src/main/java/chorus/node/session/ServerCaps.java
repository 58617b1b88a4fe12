package chorus.node.session;

import chorus.actors.xmpp.Element;

import java.util.List;
import java.util.function.Supplier;

/**
 * XEP-0115 §6.3: the server's entity capabilities in the stream features of a bound stream, so that a client knows
 * what the server offers (by the hash of its disco#info, which it may have cached) without asking. XEP-0479 counts
 * this as the Core suite's "feature broadcasts".
 */
public final class ServerCaps implements SessionExtension {
    private final Element caps;

    private ServerCaps(Element caps) {
        this.caps = caps;
    }

    /** One for every session, announcing what {@code caps} gives (the server's {@code <c/>}). */
    public static SessionExtension.Factory factory(Supplier<Element> caps) {
        return link -> new ServerCaps(caps.get());
    }

    @Override
    public List<Element> features() {
        return List.of(caps);
    }
}
