package chorus.actors.feature;

import chorus.actors.xmpp.Iq;

import java.util.List;

/** What a handler decided: reply now, or persist these events and then reply. */
public sealed interface IqResult {

    record Reply(Iq reply) implements IqResult {
    }

    /** Events of the feature's own slice ({@link SliceEvent}s), persisted before the reply goes out. */
    record PersistThenReply(List<? extends AccountEvent> events, Iq reply) implements IqResult {
        public PersistThenReply {
            events = List.copyOf(events);
        }
    }

    static IqResult reply(Iq reply) {
        return new Reply(reply);
    }
}
