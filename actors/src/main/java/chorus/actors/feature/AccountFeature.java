package chorus.actors.feature;

import chorus.actors.xmpp.Message;

import java.util.Set;

/**
 * A feature of every account, as the node registers it: what it adds to the account's disco#info, and its part in
 * each account's entity. Its persisted events are {@link SliceEvent}s of its own {@link SliceKey slice}; adding a
 * feature adds a package and one line where the node lists its features, never an edit of the entity.
 */
public interface AccountFeature {

    /** The disco#info features an account announces for this feature (XEP-0030). */
    default Set<String> discoFeatures() {
        return Set.of();
    }

    /**
     * Whether its {@link AccountHooks#sent} hook wants to see this message a client sent (the router then hands
     * the sender's account a copy; most features want none). A feature that says true here answers
     * {@link AccountHooks#wantsSent} too: an account none of whose features wants copies gets none.
     */
    default boolean seesSent(Message message) {
        return false;
    }

    /** Its part in the entity of one account (live state, if any, lives there). */
    AccountHooks start(AccountContext ctx);

    /** What it carries in a portable export and how an import builds it again (XEP-0227); nothing by default. */
    default Portable portable() {
        return Portable.NONE;
    }

    /**
     * A feature that is only IQ handling: it owns what the handler owns, and answers with the handler's result
     * (its events persist before the reply goes out).
     */
    static AccountFeature of(IqHandler handler) {
        return of(handler, Portable.NONE);
    }

    /** As {@link #of(IqHandler)}, carried in portable exports as {@code portable} says. */
    static AccountFeature of(IqHandler handler, Portable portable) {
        return new AccountFeature() {
            @Override
            public Set<String> discoFeatures() {
                return handler.discoFeatures();
            }

            @Override
            public AccountHooks start(AccountContext ctx) {
                return new HandlerHooks(ctx, handler);
            }

            @Override
            public Portable portable() {
                return portable;
            }

            @Override
            public String toString() {
                return handler.getClass().getSimpleName();
            }
        };
    }
}
