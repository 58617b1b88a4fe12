package chorus.actors.feature.carbons;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.xmpp.Message;

import java.util.Set;

/**
 * XEP-0280 Message Carbons at every account. A resource enables or disables carbons for itself (an interest of its
 * session, {@code Resource.want}); the account's entity, the one place that knows all its resources wherever in the
 * cluster their sessions are, hands each enabled resource a copy of what the others receive ({@code deliver}) and
 * send ({@code sent}). The server, not the account, announces the feature (§3): {@link #SERVER_FEATURES}.
 */
public final class CarbonsFeature implements AccountFeature {
    /** What the server's own disco#info lists for carbons (§3, §6.2). */
    public static final Set<String> SERVER_FEATURES = Set.of(Carbons.NS, Carbons.RULES);

    private final CarbonsSettings settings;

    public CarbonsFeature(CarbonsSettings settings) {
        this.settings = settings;
    }

    /** §8: what a resource sends is copied to the others; errors may answer a copied message (§6.1). */
    @Override
    public boolean seesSent(Message message) {
        return message.type() == Message.Type.ERROR || Carbons.eligible(message, Carbons.Direction.SENT);
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new CarbonsHooks(ctx, settings);
    }

    @Override
    public String toString() {
        return "CarbonsFeature";
    }
}
