package chorus.actors.muc;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static chorus.actors.muc.Room.USER;
import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;
import static chorus.actors.xmpp.StanzaError.Condition.FORBIDDEN;
import static chorus.actors.xmpp.StanzaError.Condition.ITEM_NOT_FOUND;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ACCEPTABLE;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ALLOWED;

/**
 * The messages a room takes (XEP-0045 §7.4-7.5, §7.8, §8.1): groupchat to everyone (kept in the room's
 * history), a subject change, private messages to one occupant, mediated invitations and declines. A refusal
 * is thrown as a {@link MucError}; the room answers it.
 */
final class RoomMessages {
    private final Room room;

    RoomMessages(Room room) {
        this.room = room;
    }

    void handle(Message m, FullJid from) {
        Occupant o = room.occupantOf(from);
        if (m.type() == Message.Type.ERROR) {
            if (o != null && Room.signalsGone(m)) {
                room.remove(o, List.of(333), null, null, null);
            }
            return;
        }
        if (m.to().resource() != null) {
            privateMessage(m, o);
            return;
        }
        if (m.type() != Message.Type.GROUPCHAT) {
            Element x = m.child("x", USER).orElse(null);
            if (x != null && x.child("invite", USER).isPresent()) {
                invite(m, x, o, from);
            } else if (x != null && x.child("decline", USER).isPresent()) {
                decline(m, x.child("decline", USER).get(), from);
            } else if (o == null) {
                throw new MucError(NOT_ACCEPTABLE, "only occupants may send messages to the room");
            } else {
                throw new MucError(BAD_REQUEST, "messages to everyone in the room are of type groupchat");
            }
            return;
        }
        if (o == null) {
            throw new MucError(NOT_ACCEPTABLE, "only occupants may send messages to the room");
        }
        Optional<Element> newSubject = m.child("subject", Ns.CLIENT);
        if (newSubject.isPresent() && m.body() == null) {
            changeSubject(m, newSubject.get(), o);
            return;
        }
        if (o.role == Role.VISITOR) {
            throw new MucError(FORBIDDEN, "this room is moderated: visitors have no voice");
        }
        room.sayToEveryone(new Message(room.occupantJid(o.nick), null, m.id(), Message.Type.GROUPCHAT, m.lang(),
            m.children()));
    }

    /** XEP-0045 §8.1: a message with a subject and no body. */
    private void changeSubject(Message m, Element subject, Occupant o) {
        if (!(o.role == Role.MODERATOR || (room.config.changeSubject() && o.role == Role.PARTICIPANT))) {
            throw new MucError(FORBIDDEN, "only moderators may change the subject of this room");
        }
        int max = room.settings.maxTextLength();
        if (subject.text().length() > max) {
            throw new MucError(NOT_ACCEPTABLE, "a subject is at most " + max + " characters");
        }
        Message set = new Message(room.occupantJid(o.nick), null, m.id(), Message.Type.GROUPCHAT, m.lang(),
            List.of(subject));
        room.subject(set);
        for (Occupant r : room.occupants.values()) {
            room.send(set.withTo(r.real));
        }
    }

    private void privateMessage(Message m, Occupant o) {
        if (o == null) {
            throw new MucError(NOT_ACCEPTABLE, "only occupants may send private messages in this room");
        }
        if (m.type() == Message.Type.GROUPCHAT) {
            throw new MucError(BAD_REQUEST, "a groupchat message goes to the room, not to one occupant");
        }
        Occupant target = room.occupants.get(m.to().resource());
        if (target == null) {
            throw new MucError(ITEM_NOT_FOUND, "no occupant has that nickname");
        }
        List<Node> children = new ArrayList<>(m.children());
        children.add(Element.of("x", USER));
        room.send(new Message(room.occupantJid(o.nick), target.real, m.id(), m.type(), m.lang(), children));
    }

    /** XEP-0045 §7.8.2: a mediated invitation, sent on from the room. */
    private void invite(Message m, Element x, Occupant o, FullJid from) {
        if (room.phase != Room.Phase.OPEN) {
            throw new MucError(ITEM_NOT_FOUND, "this room is not open");
        }
        if (o == null) {
            throw new MucError(NOT_ACCEPTABLE, "only occupants may invite others");
        }
        RoomConfig config = room.config;
        Affiliation mine = room.affiliation(from.bareJid());
        if (config.membersOnly() && !mine.atLeast(Affiliation.ADMIN) && !config.allowInvites()) {
            throw new MucError(FORBIDDEN, "in this members-only room only admins and owners invite");
        }
        for (Element inv : x.elements("invite", USER)) {
            Jid invitee = Room.parseJid(inv.attr("to"));
            if (config.membersOnly() && mine.atLeast(Affiliation.ADMIN) && invitee.bare() instanceof BareJid b
                && room.affiliation(b) == Affiliation.NONE) {
                if (room.affiliations.size() >= room.settings.maxAffiliations()) {
                    throw new MucError(NOT_ALLOWED, "this room's affiliation lists are full");
                }
                room.setAffiliation(b, Affiliation.MEMBER);
            }
            Element.Builder fwd = Element.build("invite", USER).attr("from", from.bareJid().toString());
            inv.child("reason", USER).ifPresent(fwd::child);
            Element.Builder ux = Element.build("x", USER).child(fwd.get());
            if (config.passwordProtected() && !config.password().isEmpty()) {
                ux.textChild("password", USER, config.password());
            }
            room.send(new Message(room.jid, invitee, m.id(), Message.Type.NORMAL, m.lang(), List.of(ux.get())));
        }
    }

    /** XEP-0045 §7.8.2: an invitee's decline, sent on to the inviter. */
    private void decline(Message m, Element d, FullJid from) {
        Jid inviter = Room.parseJid(d.attr("to"));
        Element.Builder fwd = Element.build("decline", USER).attr("from", from.bareJid().toString());
        d.child("reason", USER).ifPresent(fwd::child);
        room.send(new Message(room.jid, inviter, m.id(), Message.Type.NORMAL, m.lang(),
            List.of(Element.build("x", USER).child(fwd.get()).get())));
    }
}
