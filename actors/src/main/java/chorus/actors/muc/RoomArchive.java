package chorus.actors.muc;

import chorus.actors.TokenBucket;
import chorus.actors.feature.mam.Archive;
import chorus.actors.feature.mam.ArchiveCount;
import chorus.actors.feature.mam.MamHandler;
import chorus.actors.feature.mam.MamPage;
import chorus.actors.feature.mam.MamRequest;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchivedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static chorus.actors.xmpp.StanzaError.Condition.FEATURE_NOT_IMPLEMENTED;
import static chorus.actors.xmpp.StanzaError.Condition.FORBIDDEN;
import static chorus.actors.xmpp.StanzaError.Condition.INTERNAL_SERVER_ERROR;
import static chorus.actors.xmpp.StanzaError.Condition.RESOURCE_CONSTRAINT;

/**
 * A room's archive (XEP-0313 on a room, §5 of XEP-0045's MAM use): gives every groupchat message the room's
 * stanza-id (XEP-0359, by the room's address; an id claiming to be the room's that an occupant sent is dropped), and
 * when the owners turned archiving on, keeps the message in the users' archive table under the room's address, where
 * it expires with {@code chorus.mam.retention}. Answers queries, and fills the room's history from the archive when
 * a persistent room starts again. Writes never hold up the room: a failed one is logged without the text.
 *
 * <p>At most {@code max-messages} are kept per room (counted from the store once, then by the room; past it nothing
 * more is archived until old ones expire), and a room answers at most {@code queries-per-minute} queries.
 */
final class RoomArchive {
    private static final Logger log = LoggerFactory.getLogger(RoomArchive.class);

    /** A message as the room sent it, with its stanza-id and when it was said. */
    record Stamped(Message message, long id, Instant at) {
        @Override
        public String toString() {
            return "Stamped[#" + id + "]";
        }
    }

    private final Room room;
    private final ArchiveStore store;
    private final RoomArchiveSettings settings;
    private final Clock clock;
    private final RoomAsync async;
    private final TokenBucket queries;
    private final ArchiveCount count;
    private long lastId;

    RoomArchive(Room room, ArchiveStore store, RoomArchiveSettings settings, Clock clock, RoomAsync async) {
        this.room = room;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.async = async;
        this.count = new ArchiveCount(store, room.jid.toString(), settings.maxMessages(), clock);
        this.queries = new TokenBucket(clock, settings.queriesPerMinute() / 60.0, settings.queriesPerMinute());
    }

    Clock clock() {
        return clock;
    }

    RoomAsync async() {
        return async;
    }

    ArchiveStore store() {
        return store;
    }

    RoomArchiveSettings settings() {
        return settings;
    }

    private String owner() {
        return room.jid.toString();
    }

    boolean archiving() {
        return room.config.archiving();
    }

    /** XEP-0359 §3: the room's own stanza-id on a message it sends to everyone; ids grow with time. */
    Stamped stamp(Message m) {
        Instant at = clock.instant();
        long id = Math.max(lastId + 1, MamRequest.firstIdAt(at));
        lastId = id;
        List<Node> children = new ArrayList<>(m.children().size() + 1);
        for (Node n : m.children()) {
            // §5: a stanza-id by the room that the room did not add is a forgery.
            if (!(n instanceof Element e && e.is("stanza-id", Archive.SID) && owner().equals(e.attr("by")))) {
                children.add(n);
            }
        }
        children.add(Element.build("stanza-id", Archive.SID).attr("by", owner()).attr("id", Long.toString(id)).get());
        return new Stamped(m.withChildren(children), id, at);
    }

    /** Archives a message the room sent to everyone, when the room archives and its archive is not full. */
    void keep(Stamped s) {
        if (!archiving() || !count.underLimit(async::then)) {
            return;
        }
        count.wrote();
        // The other party is the sender's room address (room/nick), so "with" picks one occupant's messages.
        String with = s.message().from() == null ? owner() : s.message().from().toString();
        ArchivedRow row = new ArchivedRow(owner(), s.id(), s.at(), with, Archive.encode(s.message()));
        async.then(store.append(row), (v, failure) -> {
            if (failure != null) {
                log.warn("a message of room {} could not be archived: {}", owner(), failure.getClass().getSimpleName());
                count.failed();
            }
        });
    }

    /**
     * Fills the history with the newest archived messages (a persistent room starting again), then runs
     * {@code done}; the room holds what it is sent meanwhile.
     */
    void load(RoomHistory history, int max, Runnable done) {
        count.underLimit(async::then); // learn the count now, not at the first message
        async.then(store.scan(owner(), 0, Long.MAX_VALUE, true, w -> true, Math.max(max, 1)), (rows, failure) -> {
            if (failure != null) {
                log.warn("the archive of room {} could not be read: {}", owner(), failure.getClass().getSimpleName());
            } else {
                List<ArchivedRow> oldestFirst = new ArrayList<>(rows);
                java.util.Collections.reverse(oldestFirst);
                for (ArchivedRow r : oldestFirst) {
                    lastId = Math.max(lastId, r.id());
                    try {
                        history.add(new Stamped(Archive.decode(r.message()), r.id(), r.at()));
                    } catch (RuntimeException e) {
                        log.warn("archived message {} of room {} is unreadable", r.id(), owner());
                    }
                }
            }
            done.run();
        });
    }

    /** A room that ends takes its archive with it; a new room erases what an earlier one may have left. */
    void erase() {
        count.empty();
        async.then(store.erase(owner()), (v, failure) -> {
            if (failure != null) {
                log.warn("the archive of room {} could not be erased: {}", owner(), failure.getClass().getSimpleName());
            }
        });
    }

    /**
     * XEP-0313 §4 at a room: anyone who may read the room (not outcasts; in a members-only room its members, in a
     * password-protected one its occupants and members) queries its archive; results go to the asking client.
     */
    void query(Iq iq, FullJid from, Occupant me) {
        if (!archiving()) {
            throw new MucError(FEATURE_NOT_IMPLEMENTED, "this room keeps no archive");
        }
        Affiliation a = room.affiliation(from.bareJid());
        if (a == Affiliation.OUTCAST) {
            throw new MucError(FORBIDDEN, "you are banned from this room");
        }
        if (room.config.membersOnly() && !a.atLeast(Affiliation.MEMBER)) {
            throw new MucError(FORBIDDEN, "only members may read the archive of a members-only room");
        }
        if (room.config.passwordProtected() && me == null && !a.atLeast(Affiliation.MEMBER)) {
            throw new MucError(FORBIDDEN, "enter this password-protected room to read its archive");
        }
        if (iq.type() == Iq.Type.GET) {
            room.send(iq.result(Element.build("query", MamHandler.NS).child(MamHandler.form()).get()));
            return;
        }
        if (!queries.tryTake()) {
            throw new MucError(RESOURCE_CONSTRAINT, "too many archive queries to this room; try again in a minute");
        }
        MamRequest q;
        try {
            q = MamRequest.parse(iq, settings.queryLimits());
        } catch (MamRequest.Invalid e) {
            room.send(iq.error(e.error()));
            return;
        }
        MamRequest request = q;
        async.then(MamPage.read(store, owner(), request), (page, failure) -> answer(iq, from, request, page, failure));
    }

    private void answer(Iq iq, FullJid to, MamRequest request, MamPage page, Throwable failure) {
        if (failure != null) {
            log.warn("an archive query of room {} failed: {}", owner(), failure.getClass().getSimpleName());
            room.send(iq.error(chorus.actors.xmpp.StanzaError.of(INTERNAL_SERVER_ERROR)));
            return;
        }
        if (page.error() != null) {
            room.send(iq.error(page.error()));
            return;
        }
        page.results(room.jid, to, request.queryId(),
            id -> log.warn("archived message {} of room {} is unreadable", id, owner())).forEach(room::send);
        room.send(iq.result(page.fin()));
    }
}
