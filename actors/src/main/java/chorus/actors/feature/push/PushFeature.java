package chorus.actors.feature.push;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;

import java.util.Set;

/**
 * XEP-0357 Push Notifications at every account: the account announces {@code urn:xmpp:push:0} (§5), its clients
 * enable and disable push to app servers, and the account's entity notifies them ({@link PushHooks}).
 */
public final class PushFeature implements AccountFeature {
    public static final String NS = Notification.NS;

    private final PushSettings settings;

    public PushFeature(PushSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new PushHooks(ctx, settings);
    }

    @Override
    public String toString() {
        return "PushFeature";
    }
}
