package chorus.actors.muc;

import chorus.actors.feature.mam.Archive;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.archive.ArchivedRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;
import static chorus.actors.xmpp.StanzaError.Condition.FEATURE_NOT_IMPLEMENTED;
import static chorus.actors.xmpp.StanzaError.Condition.FORBIDDEN;
import static chorus.actors.xmpp.StanzaError.Condition.ITEM_NOT_FOUND;

/**
 * XEP-0425 Moderated Message Retraction: a moderator asks the room to retract a message, named by the room's
 * stanza-id; the room tells everyone (XEP-0424's {@code <retract/>} with {@code <moderated/>}), and the history and
 * the archive keep a tombstone in its place: the message without its body or any other payload, only its ids and
 * who retracted it when. Both the current namespaces ({@code urn:xmpp:message-moderate:1}) and the earlier ones
 * ({@code :0} inside a XEP-0422 {@code <apply-to/>}) are understood, and the announcement carries both.
 */
final class RoomModeration {
    private static final Logger log = LoggerFactory.getLogger(RoomModeration.class);
    static final String MODERATE = "urn:xmpp:message-moderate:1";
    static final String RETRACT = "urn:xmpp:message-retract:1";
    static final String MODERATE_0 = "urn:xmpp:message-moderate:0";
    static final String RETRACT_0 = "urn:xmpp:message-retract:0";
    static final String FASTEN = "urn:xmpp:fasten:0";

    private final Room room;

    RoomModeration(Room room) {
        this.room = room;
    }

    /** A request this class answers: {@code <moderate/>} (:1), or {@code <apply-to><moderate/>} (:0). */
    static boolean owns(Element q) {
        return q.is("moderate", MODERATE) || (q.is("apply-to", FASTEN) && q.child("moderate", MODERATE_0).isPresent());
    }

    /** A message the archive or history keeps in place of a retracted one. */
    static boolean isTombstone(Message m) {
        return m.hasChild("retracted", RETRACT);
    }

    void handle(Iq iq, Element q, Occupant me) {
        if (iq.type() != Iq.Type.SET) {
            throw new MucError(BAD_REQUEST, "a moderation request is a set");
        }
        if (me == null || me.role != Role.MODERATOR) {
            throw new MucError(FORBIDDEN, "only moderators may retract others' messages");
        }
        boolean v0 = q.is("apply-to", FASTEN);
        Element moderate = v0 ? q.child("moderate", MODERATE_0).orElseThrow() : q;
        if (moderate.child("retract", v0 ? RETRACT_0 : RETRACT).isEmpty()) {
            throw new MucError(FEATURE_NOT_IMPLEMENTED, "retraction is the only moderation this room knows");
        }
        String reason = moderate.childText("reason", v0 ? MODERATE_0 : MODERATE).orElse(null);
        String idText = q.attr("id");
        if (idText == null || idText.isBlank()) {
            throw new MucError(BAD_REQUEST, "name the message by its stanza-id");
        }
        long id;
        try {
            id = Long.parseLong(idText.strip());
        } catch (NumberFormatException e) {
            throw new MucError(ITEM_NOT_FOUND, "this room sent no message with that id");
        }
        FullJid by = room.occupantJid(me.nick);
        Instant now = room.archive.clock().instant();
        boolean inHistory = room.history.replace(id, m -> tombstone(m, by, reason, now));
        RoomArchive archive = room.archive;
        archive.async().then(archive.store().one(room.jid.toString(), id), (row, failure) -> {
            if (failure != null) {
                log.warn("room {} could not read an archived message to retract: {}", room.jid,
                    failure.getClass().getSimpleName());
            }
            Optional<ArchivedRow> found = failure == null ? row : Optional.empty();
            if (found.isEmpty() && !inHistory) {
                room.send(iq.error(StanzaError.of(failure == null ? ITEM_NOT_FOUND : StanzaError.Condition.INTERNAL_SERVER_ERROR,
                    failure == null ? "this room holds no message with that id" : "the archive could not be read")));
                return;
            }
            Runnable done = () -> {
                announce(idText.strip(), by, reason);
                room.send(iq.result());
            };
            if (found.isPresent()) {
                bury(found.get(), by, reason, now, done);
            } else {
                done.run();
            }
        });
    }

    /**
     * Writes the tombstone over the archived message, to expire when the message would have; then tells everyone
     * (a failed write is logged, and the retraction still told: the history holds the tombstone).
     */
    private void bury(ArchivedRow row, FullJid by, String reason, Instant now, Runnable then) {
        Message original;
        try {
            original = Archive.decode(row.message());
        } catch (RuntimeException e) {
            original = new Message(room.jid, null, null, Message.Type.GROUPCHAT, null, List.of());
        }
        Message stone = tombstone(original, by, reason, now);
        Duration left = Duration.between(now, row.at().plus(room.archive.settings().retention()));
        ArchivedRow over = new ArchivedRow(row.owner(), row.id(), row.at(), row.with(), Archive.encode(stone));
        RoomArchive archive = room.archive;
        archive.async().then(archive.store().rewrite(over, left), (v, failure) -> {
            if (failure != null) {
                log.warn("room {} could not write a tombstone: {}", room.jid, failure.getClass().getSimpleName());
            }
            then.run();
        });
    }

    /** XEP-0425 §4: everyone, the moderator included, learns that the message was retracted and by whom. */
    private void announce(String id, FullJid by, String reason) {
        Element.Builder retract = Element.build("retract", RETRACT).attr("id", id)
            .child(Element.build("moderated", MODERATE).attr("by", by.toString()).get());
        Element.Builder moderated0 = Element.build("moderated", MODERATE_0).attr("by", by.toString())
            .child(Element.of("retract", RETRACT_0));
        if (reason != null) {
            retract.textChild("reason", RETRACT, reason);
            moderated0.textChild("reason", MODERATE_0, reason);
        }
        Element applyTo = Element.build("apply-to", FASTEN).attr("id", id).child(moderated0.get()).get();
        Message notice = new Message(room.jid, null, "retract-" + id, Message.Type.GROUPCHAT, null,
            List.of(retract.get(), applyTo, Element.build("store", "urn:xmpp:hints").get()));
        room.sayToEveryone(notice);
    }

    /** The message's ids, and who retracted it when (XEP-0424 §5.1, XEP-0425 tombstones); nothing it said. */
    static Message tombstone(Message m, FullJid by, String reason, Instant at) {
        List<Node> kept = new ArrayList<>();
        for (Node n : m.children()) {
            if (n instanceof Element e && e.ns().equals(Archive.SID)) {
                kept.add(e); // stanza-id and origin-id
            }
        }
        String stamp = at.truncatedTo(ChronoUnit.SECONDS).toString();
        Element.Builder retracted = Element.build("retracted", RETRACT).attr("stamp", stamp)
            .child(Element.build("moderated", MODERATE).attr("by", by.toString()).get());
        Element.Builder moderated0 = Element.build("moderated", MODERATE_0).attr("by", by.toString())
            .child(Element.build("retracted", RETRACT_0).attr("stamp", stamp).get());
        if (reason != null) {
            retracted.textChild("reason", RETRACT, reason);
            moderated0.textChild("reason", MODERATE_0, reason);
        }
        kept.add(retracted.get());
        kept.add(moderated0.get());
        return new Message(m.from(), m.to(), m.id(), Message.Type.GROUPCHAT, null, kept);
    }
}
