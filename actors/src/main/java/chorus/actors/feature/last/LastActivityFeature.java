package chorus.actors.feature.last;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.HandlerHooks;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.Set;

/**
 * XEP-0012 at every account: when the last resource goes offline the time is kept ({@link LastSeen}); requests
 * to the account are answered by the {@link LastActivityHandler}; a query to one of the user's resources from
 * someone not entitled to its presence is refused instead of delivered (§4).
 */
public final class LastActivityFeature implements AccountFeature {
    private final LastActivityHandler handler;

    public LastActivityFeature(LastActivityHandler handler) {
        this.handler = handler;
    }

    @Override
    public Set<String> discoFeatures() {
        return handler.discoFeatures();
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new HandlerHooks(ctx, handler) {
            @Override
            public boolean screen(Stanza inbound, AccountData data) {
                if (inbound instanceof Iq iq && iq.to() instanceof FullJid && iq.isRequest()
                    && iq.payloadIs(LastActivityHandler.NS, "query")
                    && !LastActivityHandler.authorized(data.relationOf(iq.from()))) {
                    // §4: a client's idle time is for its contacts only.
                    ctx.bounce(iq, StanzaError.Condition.FORBIDDEN);
                    return true;
                }
                return false;
            }

            @Override
            public List<AccountEvent> lastResourceGone(AccountData data) {
                return List.of(new WentOffline(ctx.clock().instant()));
            }
        };
    }
}
