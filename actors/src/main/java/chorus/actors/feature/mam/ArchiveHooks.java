package chorus.actors.feature.mam;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchivedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The account's message archive (XEP-0313) in its entity: decides which messages are archived, gives each an id
 * (XEP-0359), writes it without waiting, and answers the owner's queries.
 *
 * <p>A write never holds up or endangers delivery: the message goes on at once, and a failed write is logged and
 * recorded as a diagnostic, both without the body. The number of archived messages is learnt from the store once
 * per entity life and counted from there on; past the limit nothing more is archived (the count is asked again at
 * most once a minute, as old messages expire).
 */
final class ArchiveHooks implements AccountHooks {
    private static final Logger log = LoggerFactory.getLogger(ArchiveHooks.class);

    private final AccountContext ctx;
    private final MamSettings settings;
    private final ArchiveStore store;
    private final MamHandler handler;
    private final NodeMetrics metrics;
    private final Deque<Instant> recentQueries = new ArrayDeque<>();
    private final ArchiveCount count;
    private long lastId;

    ArchiveHooks(AccountContext ctx, MamSettings settings, ArchiveStore store, MamHandler handler, NodeMetrics metrics) {
        this.ctx = ctx;
        this.metrics = metrics;
        this.settings = settings;
        this.store = store;
        this.handler = handler;
        this.count = new ArchiveCount(store, ctx.account().toString(), settings.maxMessages(), ctx.clock());
    }

    private String account() {
        return ctx.account().toString();
    }

    /** Preferences (XEP-0441) and the query form answer anyone as the handler says; queries run here. */
    @Override
    public boolean owns(Iq request, Requester requester) {
        return handler.owns(request);
    }

    @Override
    public Decision handle(Iq request, Requester requester, AccountData data) {
        if (MamHandler.isQuery(request) && requester.ownSession()) {
            query(requester.session(), request);
            return Decision.none();
        }
        return Decision.of(handler.handle(request, IqContext.of(ctx, requester, data)), ctx);
    }

    /** A message to the account: archived if the preferences say so; returned as the resources get it. */
    @Override
    public Message deliver(Message m, AccountData data) {
        Message clean = Archive.withoutForgedIds(m, ctx.account());
        if (m.from() == null || !archives(data, clean, m.from())) {
            return clean;
        }
        long id = write(clean, m.from());
        return Archive.withStanzaId(clean, ctx.account(), id);
    }

    /** A message one of the account's resources sent to someone else. */
    @Override
    public void sent(Message m, AccountData data) {
        if (m.to() != null && !m.to().bare().equals(ctx.account()) && archives(data, m, m.to())) {
            write(m, m.to());
        }
    }

    /** The sender's copies are needed while the preferences could archive a message (XEP-0441 §4). */
    @Override
    public boolean wantsSent(AccountData data) {
        return handler.prefsOf(data.slice(ArchivePrefs.KEY).prefs()).archivesAny();
    }

    /** Removing the account removes its archive. */
    @Override
    public void erase() {
        store.erase(account()).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("the archive of {} could not be erased: {}", account(), e.getClass().getSimpleName());
            }
        });
    }

    private boolean archives(AccountData data, Message m, Jid other) {
        if (!Archive.archivable(m)) {
            return false;
        }
        return handler.prefsOf(data.slice(ArchivePrefs.KEY).prefs()).archives(other, data.inRoster(other)) && underLimit();
    }

    private boolean underLimit() {
        return count.underLimit((stage, next) -> ctx.pipe(stage, (n, failure) -> {
            next.accept(n, failure);
            return Decision.none();
        }));
    }

    private long write(Message m, Jid other) {
        Instant at = ctx.clock().instant();
        long id = Math.max(lastId + 1, MamRequest.firstIdAt(at));
        lastId = id;
        count.wrote();
        ArchivedRow row = new ArchivedRow(account(), id, at, other.toString(), Archive.encode(m));
        ctx.pipe(store.append(row), (v, failure) -> {
            written(m, failure);
            return Decision.none();
        });
        return id;
    }

    private void written(Message m, Throwable failure) {
        metrics.mamWritten(failure == null);
        if (failure != null) {
            // Delivery went on regardless; the log and the diagnostic name the addresses, never the text.
            log.warn("a message of {} could not be archived: {}", account(), failure.getClass().getSimpleName());
            ctx.failures().record(m, StanzaError.Condition.INTERNAL_SERVER_ERROR);
            count.failed();
        }
    }

    /** XEP-0313 §4: a query of the owner, answered to the resource that asked. */
    private void query(Resource sender, Iq iq) {
        Instant now = ctx.clock().instant();
        while (!recentQueries.isEmpty() && recentQueries.peekFirst().plus(Duration.ofMinutes(1)).isBefore(now)) {
            recentQueries.pollFirst();
        }
        if (recentQueries.size() >= settings.queriesPerMinute()) {
            sender.send(iq.error(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT,
                "too many archive queries; try again in a minute")));
            return;
        }
        recentQueries.addLast(now);
        MamRequest q;
        try {
            q = MamRequest.parse(iq, settings);
        } catch (MamRequest.Invalid e) {
            sender.send(iq.error(e.error()));
            return;
        }
        ctx.pipe(MamPage.read(store, account(), q), (page, failure) -> {
            answered(sender, iq, q, page, failure);
            return Decision.none();
        });
    }

    private void answered(Resource to, Iq iq, MamRequest request, MamPage page, Throwable failure) {
        if (failure != null) {
            log.warn("an archive query of {} failed: {}", account(), failure.getClass().getSimpleName());
            to.send(iq.error(StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR)));
            return;
        }
        if (page.error() != null) {
            to.send(iq.error(page.error()));
            return;
        }
        page.results(ctx.account(), to.jid(), request.queryId(),
            id -> log.warn("archived message {} of {} is unreadable", id, account())).forEach(to::send);
        to.send(iq.result(page.fin()));
    }
}
