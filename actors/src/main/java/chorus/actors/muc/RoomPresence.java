package chorus.actors.muc;

import chorus.actors.muc.Room.Phase;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.StanzaError;

import java.util.ArrayList;
import java.util.List;

import static chorus.actors.muc.Room.MUC;
import static chorus.actors.muc.Room.USER;
import static chorus.actors.xmpp.StanzaError.Condition.CONFLICT;
import static chorus.actors.xmpp.StanzaError.Condition.FORBIDDEN;
import static chorus.actors.xmpp.StanzaError.Condition.ITEM_NOT_FOUND;
import static chorus.actors.xmpp.StanzaError.Condition.JID_MALFORMED;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ALLOWED;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_AUTHORIZED;
import static chorus.actors.xmpp.StanzaError.Condition.REGISTRATION_REQUIRED;
import static chorus.actors.xmpp.StanzaError.Condition.SERVICE_UNAVAILABLE;

/**
 * The presences a room takes (XEP-0045 §7.2-7.6, §7.14): entering (creating a room when nobody is in it,
 * with the admission checks of §7.2), presence updates, nickname changes and leaving. Leaving and the
 * broadcasts are the room's own ({@link Room#remove}, {@link Room#broadcast}): its IQs use them too.
 */
final class RoomPresence {
    private final Room room;

    RoomPresence(Room room) {
        this.room = room;
    }

    void handle(Presence p, FullJid from) {
        Occupant me = room.byReal.get(from);
        if (p.type() == Presence.Type.ERROR) {
            if (me != null && Room.signalsGone(p)) {
                room.remove(me, List.of(333), null, null, null);
            }
            return;
        }
        if (p.type() == Presence.Type.UNAVAILABLE) {
            if (me != null) {
                room.remove(me, List.of(), null, null, Room.statusOf(p));
            }
            return;
        }
        if (p.type() != Presence.Type.AVAILABLE) {
            return; // subscriptions and probes: a room has no roster
        }
        String nick = p.to().resource();
        if (nick == null) {
            throw new MucError(JID_MALFORMED, "to enter, address the room with a nickname: room@room.service/nick");
        }
        if (me == null) {
            if (!room.joins.tryTake()) {
                throw new MucError(StanzaError.Condition.RESOURCE_CONSTRAINT,
                    "too many are entering this room right now; try again in a moment");
            }
            join(p, from, nick);
        } else if (me.nick.equals(nick)) {
            me.presence = Room.strip(p.children());
            room.broadcast(me, null, null);
        } else {
            changeNick(me, nick, p);
        }
    }

    private void join(Presence p, FullJid from, String nick) {
        BareJid bare = from.bareJid();
        boolean created = false;
        if (room.phase == Phase.NEW) {
            if (room.settings.localCreatorsOnly() && !bare.domain().equals(room.userDomain)) {
                throw new MucError(NOT_ALLOWED, "only accounts of " + room.userDomain + " may create rooms here");
            }
            // XEP-0045 §10.1.1: a user who may not create the room gets not-allowed.
            StanzaError.Condition refused = room.service.refuseCreation(bare.toString(), room.jid.toString());
            if (refused != null) {
                throw new MucError(refused, refused == NOT_ALLOWED
                    ? "you have made as many rooms as you may (" + room.settings.maxRoomsPerCreator() + ")"
                    : "this room.service holds as many rooms as it can; try again later");
            }
            room.creator = bare.toString();
            room.archive.erase(); // what an earlier room of this address left (a node lost before it ended)
            room.setAffiliation(bare, Affiliation.OWNER);
            room.phase = Phase.LOCKED;
            created = true;
        }
        Affiliation aff = room.affiliation(bare);
        if (room.phase == Phase.LOCKED && aff != Affiliation.OWNER) {
            throw new MucError(ITEM_NOT_FOUND, "this room is being set up: its owner has not configured it yet");
        }
        if (aff == Affiliation.OUTCAST) {
            throw new MucError(FORBIDDEN, "you are banned from this room");
        }
        if (room.config.membersOnly() && !aff.atLeast(Affiliation.MEMBER)) {
            throw new MucError(REGISTRATION_REQUIRED, "only members may enter this room");
        }
        if (room.config.passwordProtected() && aff != Affiliation.OWNER && !room.passwordMatches(Room.password(p))) {
            throw new MucError(NOT_AUTHORIZED, "this room needs the right password");
        }
        if (room.occupants.containsKey(nick)) {
            throw new MucError(CONFLICT, "that nickname is in use in this room");
        }
        if (room.occupants.size() >= room.settings.maxOccupants()
            || (room.occupants.size() >= room.config.maxUsers() && !aff.atLeast(Affiliation.ADMIN))) {
            throw new MucError(SERVICE_UNAVAILABLE, "this room is full");
        }
        Occupant o = new Occupant(nick, from, room.defaultRole(aff), Room.strip(p.children()));
        for (Occupant other : room.occupants.values()) {
            room.send(room.presenceOf(other, o, List.of(), null, null));
        }
        room.occupants.put(nick, o);
        room.byReal.put(from, o);
        List<Integer> codes = new ArrayList<>();
        if (room.config.nonAnonymous()) {
            codes.add(100);
        }
        codes.add(110);
        if (created) {
            codes.add(201);
        }
        Presence self = room.presenceOf(o, o, codes, null, null);
        room.send(new Presence(self.from(), self.to(), p.id(), self.type(), null, self.children()));
        for (Occupant other : room.occupants.values()) {
            if (other != o) {
                room.send(room.presenceOf(o, other, List.of(), null, null));
            }
        }
        if (!created) {
            room.history.sendTo(o.real, p.child("x", MUC).flatMap(x -> x.child("history", MUC)).orElse(null), room::send);
            room.send(room.subject == null
                ? new Message(room.jid, o.real, null, Message.Type.GROUPCHAT, null, List.of(Element.of("subject", Ns.CLIENT)))
                : room.subject.withTo(o.real));
        }
    }

    private void changeNick(Occupant o, String nick, Presence p) {
        if (room.occupants.containsKey(nick)) {
            throw new MucError(CONFLICT, "that nickname is in use in this room");
        }
        for (Occupant r : room.occupants.values()) {
            Element.Builder x = Element.build("x", USER)
                .child(room.item(o, r == o || room.seesJids(r), null, null).withAttr("nick", nick));
            if (r == o) {
                x.child(Room.status(110));
            }
            x.child(Room.status(303));
            room.send(new Presence(room.occupantJid(o.nick), r.real, null, Presence.Type.UNAVAILABLE, null, List.of(x.get())));
        }
        room.occupants.remove(o.nick);
        o.nick = nick;
        o.presence = Room.strip(p.children());
        room.occupants.put(nick, o);
        room.broadcast(o, null, null);
    }
}
