package chorus.actors.feature.push;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Jid;

/**
 * Push to an app server stopped (XEP-0357 §6): the client disabled it (one node, or every node of the app server
 * when {@code node} is null), or the app server failed too often.
 */
public record PushDisabled(Jid service, String node) implements SliceEvent<PushRegistrations> {

    @Override
    public SliceKey<PushRegistrations> slice() {
        return PushRegistrations.KEY;
    }

    @Override
    public PushRegistrations applyTo(PushRegistrations before) {
        return before.without(service, node);
    }

    @Override
    public String toString() {
        return "PushDisabled[" + service + "]";
    }
}
