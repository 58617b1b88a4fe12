package chorus.actors.feature;

import chorus.actors.xmpp.Iq;

import java.util.List;

/** What a handler decided: reply now, or persist these events and then reply. */
public sealed interface IqResult {

    record Reply(Iq reply) implements IqResult {
    }

    /** Events are the entity's own event type; the handler that returns them knows which. */
    record PersistThenReply(List<?> events, Iq reply) implements IqResult {
        public PersistThenReply {
            events = List.copyOf(events);
        }
    }

    static IqResult reply(Iq reply) {
        return new Reply(reply);
    }
}
