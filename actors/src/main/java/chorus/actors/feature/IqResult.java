package chorus.actors.feature;

import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** What a handler decided: reply now, persist these events and then reply, or reply once something else answered. */
public sealed interface IqResult {

    record Reply(Iq reply) implements IqResult {
    }

    /** Events of the feature's own slice ({@link SliceEvent}s), persisted before the reply goes out. */
    record PersistThenReply(List<? extends AccountEvent> events, Iq reply) implements IqResult {
        public PersistThenReply {
            events = List.copyOf(events);
        }
    }

    /**
     * The reply comes once another part of the cluster answered (an account's entity, every node); should
     * {@code reply} fail, the request gets internal-server-error. The handler never blocks to wait for it.
     */
    record Later(Iq request, CompletionStage<Iq> reply) implements IqResult {
        /** The reply to route: the handler's, or internal-server-error when it failed. */
        public Iq settle(Iq answer, Throwable failure) {
            return answer != null && failure == null ? answer
                : request.error(StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR));
        }
    }

    static IqResult reply(Iq reply) {
        return new Reply(reply);
    }
}
