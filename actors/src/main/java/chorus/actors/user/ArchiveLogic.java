package chorus.actors.user;

import chorus.actors.feature.mam.Archive;
import chorus.actors.feature.mam.MamHandler;
import chorus.actors.feature.mam.MamPage;
import chorus.actors.feature.mam.MamPrefs;
import chorus.actors.feature.mam.MamRequest;
import chorus.actors.feature.mam.MamSettings;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchivedRow;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The account's message archive (XEP-0313), run by its entity: decides which messages are archived,
 * gives each an id (XEP-0359), writes it without waiting, and answers the owner's queries.
 *
 * <p>A write never holds up or endangers delivery: the message goes on at once, and a failed write is
 * logged and recorded as a diagnostic, both without the body. The number of archived messages is learnt
 * from the store once per entity life and counted from there on; past the limit nothing more is
 * archived (the count is asked again at most once a minute, as old messages expire).
 */
final class ArchiveLogic {
    private static final Logger log = LoggerFactory.getLogger(ArchiveLogic.class);
    private static final Duration RECOUNT_AFTER = Duration.ofMinutes(1);

    /** A write finished (failure null) or failed. */
    record Written(Message message, Throwable failure) implements UserEntity.Command {
    }

    record Counted(int count, Throwable failure) implements UserEntity.Command {
    }

    record Answered(ActorRef<SessionMessage> session, Jid to, Iq iq, MamRequest request, MamPage page,
                    Throwable failure) implements UserEntity.Command {
    }

    private final ActorContext<UserEntity.Command> ctx;
    private final BareJid jid;
    private final UserEntity.Deps deps;
    private final MamSettings settings;
    private final ArchiveStore store;
    private final MamHandler handler;
    private final Deque<Instant> recentQueries = new ArrayDeque<>();
    private long lastId;
    private Integer count;
    private Instant countedAt;
    private boolean counting;
    /** Writes made while the count was being asked: it may not hold them; counted again (at worst twice). */
    private int writtenWhileCounting;

    ArchiveLogic(ActorContext<UserEntity.Command> ctx, BareJid jid, UserEntity.Deps deps) {
        this.ctx = ctx;
        this.jid = jid;
        this.deps = deps;
        this.settings = deps.mamSettings();
        this.store = deps.archive();
        this.handler = new MamHandler(settings.defaultMode());
    }

    /** A message to the account: archived if the preferences say so; returned as the resources get it. */
    Message incoming(UserEntity.State s, Message m) {
        Message clean = Archive.withoutForgedIds(m, jid);
        if (m.from() == null || !archives(s, clean, m.from())) {
            return clean;
        }
        long id = write(clean, m.from());
        return Archive.withStanzaId(clean, jid, id);
    }

    /** A message one of the account's resources sent to someone else. */
    void outgoing(UserEntity.State s, Message m) {
        if (m.to() != null && !m.to().bare().equals(jid) && archives(s, m, m.to())) {
            write(m, m.to());
        }
    }

    private boolean archives(UserEntity.State s, Message m, Jid other) {
        if (!s.exists() || !Archive.archivable(m)) {
            return false;
        }
        boolean inRoster = s.roster().get(other.bare()).isPresent();
        return handler.prefsOf(s.mamPrefs()).archives(other, inRoster) && underLimit();
    }

    private boolean underLimit() {
        Instant now = deps.clock().instant();
        boolean stale = count != null && count >= settings.maxMessages()
            && countedAt.plus(RECOUNT_AFTER).isBefore(now);
        if ((count == null || stale) && !counting) {
            counting = true;
            writtenWhileCounting = 0;
            ctx.pipeToSelf(store.count(jid.toString(), 0, Long.MAX_VALUE, w -> true), Counted::new);
        }
        return count == null || count < settings.maxMessages();
    }

    private long write(Message m, Jid other) {
        Instant at = deps.clock().instant();
        long id = Math.max(lastId + 1, MamRequest.firstIdAt(at));
        lastId = id;
        if (count != null) {
            count++;
        }
        if (counting) {
            writtenWhileCounting++;
        }
        ArchivedRow row = new ArchivedRow(jid.toString(), id, at, other.toString(), Archive.encode(m));
        ctx.pipeToSelf(store.append(row), (v, failure) -> new Written(m, failure));
        return id;
    }

    void onWritten(Written w) {
        if (w.failure() != null) {
            // Delivery went on regardless; the log and the diagnostic name the addresses, never the text.
            log.warn("a message of {} could not be archived: {}", jid, w.failure().getClass().getSimpleName());
            deps.failures().record(w.message(), StanzaError.Condition.INTERNAL_SERVER_ERROR);
            if (count != null) {
                count--;
            }
        }
    }

    void onCounted(Counted c) {
        counting = false;
        if (c.failure() == null) {
            count = c.count() + writtenWhileCounting;
            countedAt = deps.clock().instant();
        }
    }

    /** XEP-0313 §4: a query of the owner, answered to the resource that asked. */
    void query(LiveSession sender, Iq iq) {
        Instant now = deps.clock().instant();
        while (!recentQueries.isEmpty() && recentQueries.peekFirst().plus(Duration.ofMinutes(1)).isBefore(now)) {
            recentQueries.pollFirst();
        }
        if (recentQueries.size() >= settings.queriesPerMinute()) {
            sender.tell(new SessionMessage.Deliver(iq.error(StanzaError.of(
                StanzaError.Condition.RESOURCE_CONSTRAINT, "too many archive queries; try again in a minute"))));
            return;
        }
        recentQueries.addLast(now);
        MamRequest q;
        try {
            q = MamRequest.parse(iq, settings);
        } catch (MamRequest.Invalid e) {
            sender.tell(new SessionMessage.Deliver(iq.error(e.error())));
            return;
        }
        ActorRef<SessionMessage> ref = sender.ref;
        Jid to = sender.jid;
        ctx.pipeToSelf(MamPage.read(store, jid.toString(), q), (page, f) -> new Answered(ref, to, iq, q, page, f));
    }

    void onAnswered(Answered a) {
        if (a.failure() != null) {
            log.warn("an archive query of {} failed: {}", jid, a.failure().getClass().getSimpleName());
            toSession(a, new SessionMessage.Deliver(a.iq().error(StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR))));
            return;
        }
        MamPage page = a.page();
        if (page.error() != null) {
            toSession(a, new SessionMessage.Deliver(a.iq().error(page.error())));
            return;
        }
        for (ArchivedRow row : page.rows()) {
            Message archived;
            try {
                archived = Archive.decode(row.message());
            } catch (RuntimeException e) {
                log.warn("archived message {} of {} is unreadable: {}", row.id(), jid, e.getClass().getSimpleName());
                continue;
            }
            Message result = new Message(jid, a.to(), "mam-" + row.id(), Message.Type.NORMAL, null,
                List.of(Archive.result(a.request().queryId(), row.id(), row.at(), archived)));
            toSession(a, new SessionMessage.Deliver(result));
        }
        toSession(a, new SessionMessage.Deliver(a.iq().result(page.fin())));
    }

    /** A result page may be larger than a cluster frame: it travels in frames when it is. */
    private void toSession(Answered a, SessionMessage m) {
        chorus.actors.cluster.Frames.get(ctx.getSystem()).tell(a.session(), m, SessionMessage.Framed::new);
    }

    /** Removing the account removes its archive. */
    void erase() {
        store.erase(jid.toString()).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("the archive of {} could not be erased: {}", jid, e.getClass().getSimpleName());
            }
        });
    }
}
