package chorus.actors.feature;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a feature decided: events to persist (none when nothing changes), then what to do with the account as it
 * is after them (answer, push, notify). The entity persists and runs {@code then}; the feature never persists.
 */
public record Decision(List<AccountEvent> events, Consumer<AccountData> then) {
    private static final Decision NONE = new Decision(List.of(), data -> { });

    public Decision {
        events = List.copyOf(events);
    }

    public static Decision none() {
        return NONE;
    }

    /** Nothing to persist; {@code then} runs at once. */
    public static Decision then(Consumer<AccountData> then) {
        return new Decision(List.of(), then);
    }

    public static Decision persist(List<? extends AccountEvent> events, Consumer<AccountData> then) {
        return new Decision(List.copyOf(events), then);
    }

    /** What an {@link IqHandler}'s result means: persist its events, then send its reply on through the router. */
    public static Decision of(IqResult result, AccountContext ctx) {
        if (result instanceof IqResult.Reply reply) {
            return then(d -> ctx.route(reply.reply()));
        }
        if (result instanceof IqResult.Later later) {
            return then(d -> ctx.pipe(later.reply(), (answer, failure) -> then(after ->
                ctx.route(later.settle(answer, failure)))));
        }
        IqResult.PersistThenReply p = (IqResult.PersistThenReply) result;
        return persist(p.events(), d -> ctx.route(p.reply()));
    }
}
