package chorus.actors.feature.mam;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.xmpp.Message;
import chorus.persistence.archive.ArchiveStore;

import java.util.Set;

/**
 * XEP-0313 Message Archive Management at every account: the preferences as the account's {@link ArchivePrefs}
 * slice, and in each account's entity the archive itself ({@link ArchiveHooks}): which messages are kept, their
 * stanza-ids, the owner's queries, and the archive's erasure with the account.
 */
public final class ArchiveFeature implements AccountFeature {
    private final MamSettings settings;
    private final ArchiveStore store;
    private final MamHandler handler;
    private final NodeMetrics metrics;

    public ArchiveFeature(MamSettings settings, ArchiveStore store) {
        this(settings, store, NodeMetrics.discarding());
    }

    /** {@code metrics}: every archive write is counted there, by its result. */
    public ArchiveFeature(MamSettings settings, ArchiveStore store, NodeMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.handler = new MamHandler(settings.defaultMode());
    }

    @Override
    public Set<String> discoFeatures() {
        return handler.discoFeatures();
    }

    /** XEP-0313: what the account's resources send is archived too. */
    @Override
    public boolean seesSent(Message message) {
        return Archive.archivable(message);
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new ArchiveHooks(ctx, settings, store, handler, metrics);
    }
}
