package chorus.actors.feature.pep;

import chorus.actors.caps.CapsCache;
import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Portable;

import java.util.Set;

/**
 * XEP-0163 Personal Eventing at every account: the requests ({@link PepHandler}), the nodes as the account's
 * {@link PepNodes} slice, and in each account's entity the notifications to the resources that want them
 * ({@link PepHooks}).
 */
public final class PepFeature implements AccountFeature {
    private final PepHandler handler;
    private final CapsCache caps;

    /** {@code caps}: the node's cache of verified capabilities, shared by all accounts on the node. */
    public PepFeature(PepLimits limits, CapsCache caps) {
        this(new PepHandler(limits), caps);
    }

    public PepFeature(PepHandler handler, CapsCache caps) {
        this.handler = handler;
        this.caps = caps;
    }

    @Override
    public Portable portable() {
        return new PepPortable();
    }

    @Override
    public Set<String> discoFeatures() {
        return handler.discoFeatures();
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new PepHooks(ctx, handler, caps);
    }
}
