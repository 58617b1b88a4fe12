package chorus.actors.muc;

import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.feature.mam.Archive;
import chorus.actors.feature.mam.MamHandler;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;
import static chorus.actors.xmpp.StanzaError.Condition.CONFLICT;
import static chorus.actors.xmpp.StanzaError.Condition.FORBIDDEN;
import static chorus.actors.xmpp.StanzaError.Condition.ITEM_NOT_FOUND;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ACCEPTABLE;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ALLOWED;
import static chorus.actors.xmpp.StanzaError.Condition.SERVICE_UNAVAILABLE;

/**
 * The IQs of a room (XEP-0045): disco (§6.4-6.6), the admin list and role changes (§8-9), owner
 * configuration and destruction (§10), and IQs between occupants, passed on under their room nicknames.
 */
final class RoomIq {
    private static final String PING = "urn:xmpp:ping";
    private static final String ROOMINFO = "http://jabber.org/protocol/muc#roominfo";

    private final Room room;

    RoomIq(Room room) {
        this.room = room;
    }

    void handle(Iq iq, FullJid from) {
        Occupant me = room.occupantOf(from);
        if (iq.to().resource() != null) {
            toOccupant(iq, me);
            return;
        }
        if (!iq.isRequest()) {
            return;
        }
        Element q = iq.payload().orElseThrow(() -> new MucError(BAD_REQUEST, "an iq needs a payload"));
        boolean owner = room.affiliation(from.bareJid()) == Affiliation.OWNER;
        if (room.phase == Room.Phase.NEW || (room.phase == Room.Phase.LOCKED && !owner)) {
            throw new MucError(ITEM_NOT_FOUND, "there is no room at this address");
        }
        if (q.is("query", DiscoHandler.INFO) && iq.type() == Iq.Type.GET) {
            room.send(iq.result(info(q)));
        } else if (q.is("query", DiscoHandler.ITEMS) && iq.type() == Iq.Type.GET) {
            room.send(iq.result(items(me)));
        } else if (q.is("query", Room.OWNER)) {
            owner(iq, q, from, owner);
        } else if (q.is("query", Room.ADMIN)) {
            admin(iq, q, from, me);
        } else if (q.is("query", MamHandler.NS)) {
            room.archive.query(iq, from, me);
        } else if (RoomModeration.owns(q)) {
            room.moderation.handle(iq, q, me);
        } else if (q.is("ping", PING) && iq.type() == Iq.Type.GET) {
            room.send(iq.result());
        } else {
            throw new MucError(SERVICE_UNAVAILABLE, "rooms do not answer this request");
        }
    }

    /** An IQ to room/nick: between occupants it goes on to the real address; others get bad-request (§6.6). */
    private void toOccupant(Iq iq, Occupant me) {
        if (me == null) {
            if (iq.isRequest() && iq.payloadIs(PING, "ping")) {
                // XEP-0410: tells a client that believes it is in the room (say, the room's node was lost) to enter again.
                throw new MucError(NOT_ACCEPTABLE, "you are not in this room");
            }
            if (iq.isRequest()) {
                throw new MucError(BAD_REQUEST, "only occupants may address other occupants");
            }
            return;
        }
        Occupant target = room.occupants.get(iq.to().resource());
        if (target == null) {
            if (iq.isRequest()) {
                throw new MucError(ITEM_NOT_FOUND, "no occupant has that nickname");
            }
            return;
        }
        if (target == me && iq.isRequest() && iq.payloadIs(PING, "ping")) {
            room.send(iq.result()); // XEP-0410: the room answers a self-ping itself
            return;
        }
        room.send(new Iq(room.occupantJid(me.nick), target.real, iq.id(), iq.type(), iq.lang(), iq.children()));
    }

    private Element info(Element q) {
        if (q.attr("node") != null) {
            throw new MucError(ITEM_NOT_FOUND, "rooms have no disco nodes");
        }
        RoomConfig c = room.config;
        List<String> features = new ArrayList<>(List.of(Room.MUC, DiscoHandler.INFO, DiscoHandler.ITEMS, PING,
            Room.SELF_PING, Archive.SID, RoomModeration.MODERATE, RoomModeration.MODERATE_0,
            c.publicRoom() ? "muc_public" : "muc_hidden",
            c.membersOnly() ? "muc_membersonly" : "muc_open",
            c.moderated() ? "muc_moderated" : "muc_unmoderated",
            c.nonAnonymous() ? "muc_nonanonymous" : "muc_semianonymous",
            c.passwordProtected() ? "muc_passwordprotected" : "muc_unsecured",
            c.persistent() ? "muc_persistent" : "muc_temporary"));
        if (c.archiving()) {
            features.add(MamHandler.NS); // XEP-0313 §7: the room's archive answers queries
        }
        return DiscoReply.info().identity("conference", "text", room.displayName()).features(features)
            .form(DataForm.build("result", ROOMINFO)
                .field("muc#roominfo_description", "text-single", "Description", c.description())
                .field("muc#roominfo_occupants", "text-single", "Occupants", Integer.toString(room.occupantCount()))
                .field("muc#roominfo_subjectmod", "boolean", "Occupants may change the subject",
                    c.changeSubject() ? "1" : "0")
                .get())
            .get();
    }

    /** §6.5: the occupants' room addresses, to anyone for a public room, to occupants for a hidden one. */
    private Element items(Occupant me) {
        DiscoReply items = DiscoReply.items();
        if (room.config.publicRoom() || me != null) {
            for (Occupant o : room.occupants.values()) {
                items.item(room.occupantJid(o.nick).toString(), null, o.nick);
            }
        }
        return items.get();
    }

    // ---- §10: owners ----

    private void owner(Iq iq, Element q, FullJid from, boolean owner) {
        if (!owner) {
            throw new MucError(FORBIDDEN, "only owners configure or destroy a room");
        }
        if (iq.type() == Iq.Type.GET) {
            room.send(iq.result(Element.build("query", Room.OWNER).child(room.config.form(room.settings)).get()));
            return;
        }
        Element destroy = q.child("destroy", Room.OWNER).orElse(null);
        if (destroy != null) {
            Element.Builder notice = Element.build("destroy", Room.USER).attr("jid", destroy.attr("jid"));
            destroy.child("reason", Room.OWNER).ifPresent(r -> notice.textChild("reason", Room.USER, r.text()));
            destroy.child("password", Room.OWNER).ifPresent(p -> notice.textChild("password", Room.USER, p.text()));
            room.destroy(notice.get());
            room.send(iq.result());
            return;
        }
        Element x = q.child("x", DataForm.NS).orElseThrow(() -> new MucError(BAD_REQUEST, "send a form or destroy"));
        String type = DataForm.type(x);
        if (type.equals("cancel")) {
            room.send(iq.result());
            if (room.phase == Room.Phase.LOCKED) {
                room.destroy(Element.of("destroy", Room.USER)); // §10.1.2: a cancelled new room is destroyed
            }
            return;
        }
        if (!type.equals("submit")) {
            throw new MucError(BAD_REQUEST, "a configuration form is submitted with type submit");
        }
        Map<String, List<String>> answers = DataForm.values(x);
        List<String> formType = answers.get("FORM_TYPE");
        if (formType != null && !formType.contains(RoomConfig.FORM_TYPE)) {
            throw new MucError(BAD_REQUEST, "this is not a room configuration form");
        }
        boolean wasOpen = room.phase == Room.Phase.OPEN;
        RoomConfig before = room.config;
        room.reconfigure(before.apply(answers, room.settings, room.secretStored()));
        room.phase = Room.Phase.OPEN;
        room.send(iq.result());
        if (room.config.membersOnly() && !before.membersOnly()) {
            for (Occupant o : new ArrayList<>(room.occupants.values())) {
                if (!room.affiliation(o.real.bareJid()).atLeast(Affiliation.MEMBER)) {
                    room.remove(o, List.of(322), null, null, null);
                }
            }
        }
        room.endIfEmptyAndTemporary(); // an owner may configure from outside the room
        if (wasOpen && !room.gone()) {
            // §10.2.1: a configuration change is announced; 172/173 when real addresses become visible or not.
            Element.Builder ux = Element.build("x", Room.USER).child(Room.status(104));
            if (room.config.nonAnonymous() != before.nonAnonymous()) {
                ux.child(Room.status(room.config.nonAnonymous() ? 172 : 173));
            }
            for (Occupant o : room.occupants.values()) {
                room.send(new Message(room.jid, o.real, null, Message.Type.GROUPCHAT, null, List.of(ux.get())));
            }
        }
    }

    // ---- §8-9: moderators and admins ----

    private void admin(Iq iq, Element q, FullJid from, Occupant me) {
        List<Element> items = q.elements("item", Room.ADMIN);
        if (items.isEmpty()) {
            throw new MucError(BAD_REQUEST, "an admin request names at least one item");
        }
        if (iq.type() == Iq.Type.GET) {
            room.send(iq.result(list(items.get(0), from, me)));
            return;
        }
        for (Element item : items) {
            String reason = item.childText("reason", Room.ADMIN).orElse(null);
            if (item.attr("affiliation") != null) {
                Affiliation a = Affiliation.parse(item.attr("affiliation"));
                if (a == null || item.attr("jid") == null) {
                    throw new MucError(BAD_REQUEST, "an affiliation change names a jid and a known affiliation");
                }
                Jid target = Room.parseJid(item.attr("jid"));
                if (!(target.bare() instanceof BareJid bare)) {
                    throw new MucError(BAD_REQUEST, "affiliations belong to user addresses");
                }
                setAffiliation(from, me, bare, a, reason);
            } else if (item.attr("role") != null) {
                Role r = Role.parse(item.attr("role"));
                if (r == null || item.attr("nick") == null) {
                    throw new MucError(BAD_REQUEST, "a role change names a nick and a known role");
                }
                setRole(me, item.attr("nick"), r, reason);
            } else {
                throw new MucError(BAD_REQUEST, "an item changes an affiliation or a role");
            }
        }
        room.send(iq.result());
    }

    private void setRole(Occupant actor, String nick, Role role, String reason) {
        if (actor == null || actor.role != Role.MODERATOR) {
            throw new MucError(FORBIDDEN, "only moderators change roles");
        }
        Occupant target = room.occupants.get(nick);
        if (target == null) {
            throw new MucError(ITEM_NOT_FOUND, "no occupant has that nickname");
        }
        Affiliation mine = room.affiliation(actor.real.bareJid());
        Affiliation theirs = room.affiliation(target.real.bareJid());
        boolean protectedTarget = theirs.atLeast(Affiliation.ADMIN);
        switch (role) {
            case NONE, VISITOR -> {
                // §8.2, §8.4: no one kicks or silences an admin or owner, except an owner an admin.
                if (protectedTarget && !(mine == Affiliation.OWNER && theirs == Affiliation.ADMIN)) {
                    throw new MucError(NOT_ALLOWED, "admins and owners cannot be kicked or silenced");
                }
            }
            case PARTICIPANT -> {
                if (target.role == Role.MODERATOR) {
                    // §9.7: an admin's or owner's moderator role goes with their affiliation.
                    if (protectedTarget) {
                        throw new MucError(NOT_ALLOWED, "the moderator role of an admin or owner cannot be revoked");
                    }
                    if (!mine.atLeast(Affiliation.ADMIN)) {
                        throw new MucError(FORBIDDEN, "only admins and owners revoke the moderator role");
                    }
                }
            }
            case MODERATOR -> {
                if (!mine.atLeast(Affiliation.ADMIN)) {
                    throw new MucError(FORBIDDEN, "only admins and owners grant the moderator role");
                }
            }
        }
        if (role == Role.NONE) {
            room.remove(target, List.of(307), actor.nick, reason, null);
            return;
        }
        target.role = role;
        room.broadcast(target, actor.nick, reason);
    }

    private void setAffiliation(FullJid from, Occupant actor, BareJid target, Affiliation to, String reason) {
        Affiliation mine = room.affiliation(from.bareJid());
        Affiliation theirs = room.affiliation(target);
        if (!mine.atLeast(Affiliation.ADMIN)) {
            throw new MucError(FORBIDDEN, "only admins and owners change affiliations");
        }
        if (mine == Affiliation.ADMIN && (to.atLeast(Affiliation.ADMIN) || theirs.atLeast(Affiliation.ADMIN))) {
            throw new MucError(NOT_ALLOWED, "only owners grant or take the admin and owner affiliations");
        }
        if (theirs == Affiliation.OWNER && to != Affiliation.OWNER
            && room.affiliations.values().stream().filter(a -> a == Affiliation.OWNER).count() == 1) {
            throw new MucError(CONFLICT, "a room keeps at least one owner");
        }
        if (to != Affiliation.NONE && !room.affiliations.containsKey(target)
            && room.affiliations.size() >= room.settings.maxAffiliations()) {
            throw new MucError(NOT_ALLOWED, "this room's affiliation lists are full ("
                + room.settings.maxAffiliations() + ")");
        }
        room.setAffiliation(target, to);
        String actorNick = actor == null ? null : actor.nick;
        for (Occupant o : new ArrayList<>(room.occupants.values())) {
            if (!o.real.bareJid().equals(target)) {
                continue;
            }
            if (to == Affiliation.OUTCAST) {
                room.remove(o, List.of(301), actorNick, reason, null);
            } else if (room.config.membersOnly() && !to.atLeast(Affiliation.MEMBER)) {
                room.remove(o, List.of(321), actorNick, reason, null);
            } else {
                o.role = room.defaultRole(to);
                room.broadcast(o, actorNick, reason);
            }
        }
    }

    /** §9.5, §8.5: the list of one affiliation (admins and owners) or one role (moderators). */
    private Element list(Element item, FullJid from, Occupant me) {
        Element.Builder b = Element.build("query", Room.ADMIN);
        Affiliation mine = room.affiliation(from.bareJid());
        Affiliation a = Affiliation.parse(item.attr("affiliation"));
        Role r = Role.parse(item.attr("role"));
        if (a != null) {
            if (!mine.atLeast(Affiliation.ADMIN)) {
                throw new MucError(FORBIDDEN, "only admins and owners see the affiliation lists");
            }
            if (a == Affiliation.NONE) {
                throw new MucError(NOT_ACCEPTABLE, "there is no list of users without affiliation");
            }
            room.affiliations.forEach((user, aff) -> {
                if (aff == a) {
                    b.child(Element.build("item", Room.ADMIN).attr("affiliation", aff.xml())
                        .attr("jid", user.toString()).get());
                }
            });
        } else if (r != null) {
            if (me == null || me.role != Role.MODERATOR) {
                throw new MucError(FORBIDDEN, "only moderators see the role lists");
            }
            for (Occupant o : room.occupants.values()) {
                if (o.role == r) {
                    b.child(Element.build("item", Room.ADMIN).attr("nick", o.nick).attr("role", o.role.xml())
                        .attr("affiliation", room.affiliation(o.real.bareJid()).xml())
                        .attr("jid", o.real.toString()).get());
                }
            }
        } else {
            throw new MucError(BAD_REQUEST, "a list request names an affiliation or a role");
        }
        return b.get();
    }
}
