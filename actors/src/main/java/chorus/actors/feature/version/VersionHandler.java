package chorus.actors.feature.version;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;

import java.util.Set;

/**
 * XEP-0092: the server's name and version. The operating system is left out unless the admin asks
 * for it (XEP-0092 §4 notes that it helps attackers).
 */
public final class VersionHandler implements IqHandler {
    public static final String NS = "jabber:iq:version";

    private final String name;
    private final String version;
    private final boolean showOs;

    public VersionHandler(String name, String version, boolean showOs) {
        this.name = name;
        this.version = version;
        this.showOs = showOs;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.payloadIs(NS, "query");
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        if (!ctx.addressedToServer()) {
            return IqResult.reply(iq.error(chorus.actors.xmpp.StanzaError.of(
                chorus.actors.xmpp.StanzaError.Condition.SERVICE_UNAVAILABLE)));
        }
        if (iq.type() != Iq.Type.GET) {
            return IqResult.reply(iq.error(chorus.actors.xmpp.StanzaError.of(
                chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST)));
        }
        Element.Builder q = Element.build("query", NS)
            .textChild("name", NS, name)
            .textChild("version", NS, version);
        if (showOs) {
            q.textChild("os", NS, System.getProperty("os.name") + " " + System.getProperty("os.version"));
        }
        return IqResult.reply(iq.result(q.get()));
    }
}
