package chorus.actors.feature.ping;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Iq;

import java.util.Set;

/** XEP-0199: a ping to the server, or to an account on behalf of its owner, gets an empty result. */
public final class PingHandler implements IqHandler {
    public static final String NS = "urn:xmpp:ping";

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.type() == Iq.Type.GET && iq.payloadIs(NS, "ping");
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        return IqResult.reply(iq.result());
    }
}
