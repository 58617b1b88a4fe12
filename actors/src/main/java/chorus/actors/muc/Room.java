package chorus.actors.muc;

import chorus.actors.TokenBucket;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;
import static chorus.actors.xmpp.StanzaError.Condition.CONFLICT;
import static chorus.actors.xmpp.StanzaError.Condition.FORBIDDEN;
import static chorus.actors.xmpp.StanzaError.Condition.ITEM_NOT_FOUND;
import static chorus.actors.xmpp.StanzaError.Condition.JID_MALFORMED;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ACCEPTABLE;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_ALLOWED;
import static chorus.actors.xmpp.StanzaError.Condition.NOT_AUTHORIZED;
import static chorus.actors.xmpp.StanzaError.Condition.REGISTRATION_REQUIRED;
import static chorus.actors.xmpp.StanzaError.Condition.SERVICE_UNAVAILABLE;

/**
 * One chat room (XEP-0045): its configuration, affiliations, occupants, recent history and subject.
 * Plain Java: a stanza in, the stanzas it causes out through {@code out}; the entity around it routes
 * them. A room begins when someone enters an address that has no room. A temporary room ends with its
 * last occupant; a persistent one stays ({@link #stored()} is what its entity journals: configuration,
 * affiliations, subject and the password's hash, never messages). Either ends when an owner destroys it
 * ({@link #gone()}).
 */
public final class Room {
    public static final String MUC = "http://jabber.org/protocol/muc";
    public static final String USER = MUC + "#user";
    static final String ADMIN = MUC + "#admin";
    static final String OWNER = MUC + "#owner";

    enum Phase { NEW, LOCKED, OPEN }

    private record Said(Message message, Instant at) {
    }

    final BareJid jid;
    final MucSettings settings;
    private final String userDomain;
    private final Clock clock;
    private final Consumer<Stanza> out;
    private final RoomIq iq;
    Phase phase = Phase.NEW;
    private boolean gone;
    RoomConfig config;
    final Map<BareJid, Affiliation> affiliations = new LinkedHashMap<>();
    final Map<String, Occupant> occupants = new LinkedHashMap<>();
    private final Map<FullJid, Occupant> byReal = new HashMap<>();
    private final ArrayDeque<Said> history = new ArrayDeque<>();
    private Message subject;
    /** The password's hash, for a persistent room; after a restart the room knows only this. */
    private RoomSecret secret;
    /** Counts changes to what {@link #stored()} is made of, so the entity builds it only after one. */
    private int storedRevision;
    /** Who made the room (bare address), counted against the rooms one account may make. */
    private String creator;
    private final RoomListing service;
    /** Entries into this room per second (a flood of joins is refused, not handled). */
    private final TokenBucket joins;

    /**
     * @param userDomain the server's own domain: with local-creators-only, only its accounts create rooms
     * @param out        receives every stanza the room sends
     */
    public Room(BareJid jid, MucSettings settings, String userDomain, Clock clock, Consumer<Stanza> out) {
        this(jid, settings, userDomain, clock, out, RoomListing.NONE);
    }

    /** @param service answers whether a new room may be made (rooms per creator, rooms of the service) */
    public Room(BareJid jid, MucSettings settings, String userDomain, Clock clock, Consumer<Stanza> out,
                RoomListing service) {
        this.service = service;
        this.joins = new TokenBucket(clock, settings.roomJoinsPerSecond(), 2 * settings.roomJoinsPerSecond());
        this.jid = jid;
        this.settings = settings;
        this.userDomain = userDomain;
        this.clock = clock;
        this.out = out;
        this.config = RoomConfig.defaults(settings);
        this.iq = new RoomIq(this);
    }

    /** Handles a stanza addressed to the room or to one of its occupants. */
    public void handle(Stanza s) {
        if (gone) {
            throw new IllegalStateException("a room that is gone takes no more stanzas");
        }
        if (!(s.from() instanceof FullJid from)) {
            // Rooms talk with users' sessions; anything else is answered only if it is a request.
            if (s instanceof Iq q && q.isRequest() && s.from() != null) {
                send(s.errorReply(StanzaError.of(BAD_REQUEST, "rooms answer users' sessions only")));
            }
            return;
        }
        try {
            if (s instanceof Presence p) {
                onPresence(p, from);
            } else if (s instanceof Message m) {
                onMessage(m, from);
            } else {
                iq.handle((Iq) s, from);
            }
        } catch (MucError e) {
            send(s.errorReply(e.error()));
        }
    }

    /** Who made the room (bare address), or null when not known (a room stored before this was kept). */
    public String creator() {
        return creator;
    }

    /** The room ended (destroyed, or its last occupant left): the entity starts afresh. */
    public boolean gone() {
        return gone;
    }

    public boolean isEmpty() {
        return occupants.isEmpty();
    }

    public int occupantCount() {
        return occupants.size();
    }

    /** The name the service directory lists, when the room is open and public. */
    public Optional<String> listing() {
        if (gone || phase != Phase.OPEN || !config.publicRoom()) {
            return Optional.empty();
        }
        return Optional.of(displayName());
    }

    String displayName() {
        return config.name().isEmpty() ? jid.local() : config.name();
    }

    // ---- presence: entering, leaving, nickname changes (XEP-0045 §7.2-7.6, §7.14) ----

    private void onPresence(Presence p, FullJid from) {
        Occupant me = byReal.get(from);
        if (p.type() == Presence.Type.ERROR) {
            if (me != null && signalsGone(p)) {
                remove(me, List.of(333), null, null, null);
            }
            return;
        }
        if (p.type() == Presence.Type.UNAVAILABLE) {
            if (me != null) {
                remove(me, List.of(), null, null, statusOf(p));
            }
            return;
        }
        if (p.type() != Presence.Type.AVAILABLE) {
            return; // subscriptions and probes: a room has no roster
        }
        String nick = p.to().resource();
        if (nick == null) {
            throw new MucError(JID_MALFORMED, "to enter, address the room with a nickname: room@service/nick");
        }
        if (me == null) {
            if (!joins.tryTake()) {
                throw new MucError(StanzaError.Condition.RESOURCE_CONSTRAINT,
                    "too many are entering this room right now; try again in a moment");
            }
            join(p, from, nick);
        } else if (me.nick.equals(nick)) {
            me.presence = strip(p.children());
            broadcast(me, null, null);
        } else {
            changeNick(me, nick, p);
        }
    }

    private void join(Presence p, FullJid from, String nick) {
        BareJid bare = from.bareJid();
        boolean created = false;
        if (phase == Phase.NEW) {
            if (settings.localCreatorsOnly() && !bare.domain().equals(userDomain)) {
                throw new MucError(NOT_ALLOWED, "only accounts of " + userDomain + " may create rooms here");
            }
            // XEP-0045 §10.1.1: a user who may not create the room gets not-allowed.
            StanzaError.Condition refused = service.refuseCreation(bare.toString(), jid.toString());
            if (refused != null) {
                throw new MucError(refused, refused == NOT_ALLOWED
                    ? "you have made as many rooms as you may (" + settings.maxRoomsPerCreator() + ")"
                    : "this service holds as many rooms as it can; try again later");
            }
            creator = bare.toString();
            setAffiliation(bare, Affiliation.OWNER);
            phase = Phase.LOCKED;
            created = true;
        }
        Affiliation aff = affiliation(bare);
        if (phase == Phase.LOCKED && aff != Affiliation.OWNER) {
            throw new MucError(ITEM_NOT_FOUND, "this room is being set up: its owner has not configured it yet");
        }
        if (aff == Affiliation.OUTCAST) {
            throw new MucError(FORBIDDEN, "you are banned from this room");
        }
        if (config.membersOnly() && !aff.atLeast(Affiliation.MEMBER)) {
            throw new MucError(REGISTRATION_REQUIRED, "only members may enter this room");
        }
        if (config.passwordProtected() && aff != Affiliation.OWNER && !passwordMatches(password(p))) {
            throw new MucError(NOT_AUTHORIZED, "this room needs the right password");
        }
        if (occupants.containsKey(nick)) {
            throw new MucError(CONFLICT, "that nickname is in use in this room");
        }
        if (occupants.size() >= settings.maxOccupants()
            || (occupants.size() >= config.maxUsers() && !aff.atLeast(Affiliation.ADMIN))) {
            throw new MucError(SERVICE_UNAVAILABLE, "this room is full");
        }
        Occupant o = new Occupant(nick, from, defaultRole(aff), strip(p.children()));
        for (Occupant other : occupants.values()) {
            send(presenceOf(other, o, List.of(), null, null));
        }
        occupants.put(nick, o);
        byReal.put(from, o);
        List<Integer> codes = new ArrayList<>();
        if (config.nonAnonymous()) {
            codes.add(100);
        }
        codes.add(110);
        if (created) {
            codes.add(201);
        }
        Presence self = presenceOf(o, o, codes, null, null);
        send(new Presence(self.from(), self.to(), p.id(), self.type(), null, self.children()));
        for (Occupant other : occupants.values()) {
            if (other != o) {
                send(presenceOf(o, other, List.of(), null, null));
            }
        }
        if (!created) {
            sendHistory(o, p.child("x", MUC).flatMap(x -> x.child("history", MUC)).orElse(null));
            send(subject == null
                ? new Message(jid, o.real, null, Message.Type.GROUPCHAT, null, List.of(Element.of("subject", Ns.CLIENT)))
                : subject.withTo(o.real));
        }
    }

    private void changeNick(Occupant o, String nick, Presence p) {
        if (occupants.containsKey(nick)) {
            throw new MucError(CONFLICT, "that nickname is in use in this room");
        }
        for (Occupant r : occupants.values()) {
            Element.Builder x = Element.build("x", USER)
                .child(item(o, r == o || seesJids(r), null, null).withAttr("nick", nick));
            if (r == o) {
                x.child(status(110));
            }
            x.child(status(303));
            send(new Presence(occupantJid(o.nick), r.real, null, Presence.Type.UNAVAILABLE, null, List.of(x.get())));
        }
        occupants.remove(o.nick);
        o.nick = nick;
        o.presence = strip(p.children());
        occupants.put(nick, o);
        broadcast(o, null, null);
    }

    /** Tells every occupant the current presence, role and affiliation of {@code o}. */
    void broadcast(Occupant o, String actorNick, String reason) {
        for (Occupant r : occupants.values()) {
            send(presenceOf(o, r, r == o ? List.of(110) : List.of(), actorNick, reason));
        }
    }

    /**
     * Takes {@code o} out of the room and tells everyone, {@code o} included, with these status codes
     * (307 kicked, 301 banned, 321 affiliation lost, 322 members only, 333 error).
     */
    void remove(Occupant o, List<Integer> codes, String actorNick, String reason, Element statusText) {
        occupants.remove(o.nick);
        byReal.remove(o.real);
        o.role = Role.NONE;
        List<Occupant> told = new ArrayList<>(occupants.values());
        told.add(o);
        for (Occupant r : told) {
            Element.Builder x = Element.build("x", USER).child(item(o, r == o || seesJids(r), actorNick, reason));
            if (r == o) {
                x.child(status(110));
            }
            codes.forEach(c -> x.child(status(c)));
            List<Node> children = new ArrayList<>();
            if (statusText != null) {
                children.add(statusText);
            }
            children.add(x.get());
            send(new Presence(occupantJid(o.nick), r.real, null, Presence.Type.UNAVAILABLE, null, children));
        }
        endIfEmptyAndTemporary();
    }

    /** A temporary room ends when its last occupant leaves; a persistent (configured) one stays. */
    void endIfEmptyAndTemporary() {
        if (occupants.isEmpty() && !(config.persistent() && phase == Phase.OPEN)) {
            gone = true;
        }
    }

    /** Takes a submitted configuration; the password, if any, is kept as a hash for storing. */
    void reconfigure(RoomConfig next) {
        if (!next.passwordProtected()) {
            secret = null;
        } else if (!next.password().isEmpty() && !next.password().equals(config.password())) {
            secret = RoomSecret.of(next.password());
        }
        config = next;
        storedRevision++;
    }

    /** Sets a user's affiliation; NONE takes the user off the lists. */
    void setAffiliation(BareJid user, Affiliation a) {
        if (a == Affiliation.NONE) {
            affiliations.remove(user);
        } else {
            affiliations.put(user, a);
        }
        storedRevision++;
    }

    /** Changes whenever the configuration, the affiliations, the subject or the room's opening change. */
    public int storedRevision() {
        return storedRevision;
    }

    boolean secretStored() {
        return secret != null;
    }

    private boolean passwordMatches(String given) {
        if (!config.password().isEmpty()) {
            return config.password().equals(given);
        }
        return secret != null && secret.matches(given);
    }

    /** What a persistent room's entity stores, or null when there is nothing to keep. */
    public RoomEvent.Stored stored() {
        if (gone || phase != Phase.OPEN || !config.persistent()) {
            return null;
        }
        Map<String, String> affs = new LinkedHashMap<>();
        affiliations.forEach((user, a) -> affs.put(user.toString(), a.xml()));
        String text = subject == null ? null : subject.child("subject", Ns.CLIENT).map(Element::text).orElse("");
        String by = subject == null ? null : subject.from().resource();
        return new RoomEvent.Stored(config.withoutPassword(), secret, affs, text, by, creator);
    }

    /** A persistent room as its entity recovered it: open, empty, with what was stored. */
    public void restore(RoomEvent.Stored stored) {
        creator = stored.creator();
        config = stored.config();
        secret = stored.secret();
        affiliations.clear();
        stored.affiliations().forEach((user, a) -> affiliations.put(BareJid.parseBare(user), Affiliation.parse(a)));
        subject = stored.subject() == null ? null : new Message(stored.subjectBy() == null ? jid : occupantJid(stored.subjectBy()),
            null, null, Message.Type.GROUPCHAT, null, List.of(Element.build("subject", Ns.CLIENT).text(stored.subject()).get()));
        phase = Phase.OPEN;
    }

    /** XEP-0045 §10.9: everyone leaves with the destroy notice; the room ends. */
    void destroy(Element destroy) {
        for (Occupant o : new ArrayList<>(occupants.values())) {
            Element.Builder x = Element.build("x", USER)
                .child(Element.build("item", USER).attr("affiliation", "none").attr("role", "none").get())
                .child(status(110))
                .child(destroy);
            send(new Presence(occupantJid(o.nick), o.real, null, Presence.Type.UNAVAILABLE, null, List.of(x.get())));
        }
        occupants.clear();
        byReal.clear();
        gone = true;
    }

    // ---- messages (XEP-0045 §7.4-7.5, §7.8, §8.1) ----

    private void onMessage(Message m, FullJid from) {
        Occupant o = byReal.get(from);
        if (m.type() == Message.Type.ERROR) {
            if (o != null && signalsGone(m)) {
                remove(o, List.of(333), null, null, null);
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
            if (!(o.role == Role.MODERATOR || (config.changeSubject() && o.role == Role.PARTICIPANT))) {
                throw new MucError(FORBIDDEN, "only moderators may change the subject of this room");
            }
            if (newSubject.get().text().length() > settings.maxTextLength()) {
                throw new MucError(NOT_ACCEPTABLE, "a subject is at most " + settings.maxTextLength() + " characters");
            }
            subject = new Message(occupantJid(o.nick), null, m.id(), Message.Type.GROUPCHAT, m.lang(),
                List.of(newSubject.get()));
            storedRevision++;
            for (Occupant r : occupants.values()) {
                send(subject.withTo(r.real));
            }
            return;
        }
        if (o.role == Role.VISITOR) {
            throw new MucError(FORBIDDEN, "this room is moderated: visitors have no voice");
        }
        Message said = new Message(occupantJid(o.nick), null, m.id(), Message.Type.GROUPCHAT, m.lang(), m.children());
        for (Occupant r : occupants.values()) {
            send(said.withTo(r.real));
        }
        if (m.body() != null && settings.history() > 0) {
            history.addLast(new Said(said, clock.instant()));
            while (history.size() > settings.history()) {
                history.removeFirst();
            }
        }
    }

    private void privateMessage(Message m, Occupant o) {
        if (o == null) {
            throw new MucError(NOT_ACCEPTABLE, "only occupants may send private messages in this room");
        }
        if (m.type() == Message.Type.GROUPCHAT) {
            throw new MucError(BAD_REQUEST, "a groupchat message goes to the room, not to one occupant");
        }
        Occupant target = occupants.get(m.to().resource());
        if (target == null) {
            throw new MucError(ITEM_NOT_FOUND, "no occupant has that nickname");
        }
        List<Node> children = new ArrayList<>(m.children());
        children.add(Element.of("x", USER));
        send(new Message(occupantJid(o.nick), target.real, m.id(), m.type(), m.lang(), children));
    }

    /** XEP-0045 §7.8.2: a mediated invitation, sent on from the room. */
    private void invite(Message m, Element x, Occupant o, FullJid from) {
        if (phase != Phase.OPEN) {
            throw new MucError(ITEM_NOT_FOUND, "this room is not open");
        }
        if (o == null) {
            throw new MucError(NOT_ACCEPTABLE, "only occupants may invite others");
        }
        Affiliation mine = affiliation(from.bareJid());
        if (config.membersOnly() && !mine.atLeast(Affiliation.ADMIN) && !config.allowInvites()) {
            throw new MucError(FORBIDDEN, "in this members-only room only admins and owners invite");
        }
        for (Element inv : x.elements("invite", USER)) {
            Jid invitee = parseJid(inv.attr("to"));
            if (config.membersOnly() && mine.atLeast(Affiliation.ADMIN) && invitee.bare() instanceof BareJid b
                && affiliation(b) == Affiliation.NONE) {
                if (affiliations.size() >= settings.maxAffiliations()) {
                    throw new MucError(NOT_ALLOWED, "this room's affiliation lists are full");
                }
                setAffiliation(b, Affiliation.MEMBER);
            }
            Element.Builder fwd = Element.build("invite", USER).attr("from", from.bareJid().toString());
            inv.child("reason", USER).ifPresent(fwd::child);
            Element.Builder ux = Element.build("x", USER).child(fwd.get());
            if (config.passwordProtected() && !config.password().isEmpty()) {
                ux.textChild("password", USER, config.password());
            }
            send(new Message(jid, invitee, m.id(), Message.Type.NORMAL, m.lang(), List.of(ux.get())));
        }
    }

    private void decline(Message m, Element d, FullJid from) {
        Jid inviter = parseJid(d.attr("to"));
        Element.Builder fwd = Element.build("decline", USER).attr("from", from.bareJid().toString());
        d.child("reason", USER).ifPresent(fwd::child);
        send(new Message(jid, inviter, m.id(), Message.Type.NORMAL, m.lang(),
            List.of(Element.build("x", USER).child(fwd.get()).get())));
    }

    private void sendHistory(Occupant o, Element request) {
        int max = settings.history();
        Instant since = null;
        if (request != null) {
            max = Math.min(max, nonNegative(request.attr("maxstanzas"), max));
            if ("0".equals(request.attr("maxchars"))) {
                max = 0;
            }
            String seconds = request.attr("seconds");
            if (seconds != null) {
                since = clock.instant().minusSeconds(nonNegative(seconds, Integer.MAX_VALUE));
            }
            if (request.attr("since") != null) {
                try {
                    Instant s = Instant.parse(request.attr("since"));
                    since = since == null || s.isAfter(since) ? s : since;
                } catch (DateTimeParseException e) {
                    throw new MucError(BAD_REQUEST, "history since must be an XEP-0082 date-time");
                }
            }
        }
        List<Said> chosen = new ArrayList<>(history);
        chosen = chosen.subList(Math.max(0, chosen.size() - max), chosen.size());
        for (Said said : chosen) {
            if (since != null && said.at().isBefore(since)) {
                continue;
            }
            List<Node> children = new ArrayList<>(said.message().children());
            children.add(Element.build("delay", Ns.DELAY).attr("from", jid.toString())
                .attr("stamp", said.at().truncatedTo(ChronoUnit.MILLIS).toString()).get());
            send(said.message().withTo(o.real).withChildren(children));
        }
    }

    // ---- helpers shared with RoomIq ----

    Affiliation affiliation(BareJid user) {
        return user == null ? Affiliation.NONE : affiliations.getOrDefault(user, Affiliation.NONE);
    }

    Occupant occupantOf(FullJid real) {
        return byReal.get(real);
    }

    Role defaultRole(Affiliation a) {
        if (a.atLeast(Affiliation.ADMIN)) {
            return Role.MODERATOR;
        }
        if (a == Affiliation.MEMBER || !config.moderated()) {
            return Role.PARTICIPANT;
        }
        return Role.VISITOR;
    }

    FullJid occupantJid(String nick) {
        return jid.withResource(nick);
    }

    boolean seesJids(Occupant receiver) {
        return config.nonAnonymous() || receiver.role == Role.MODERATOR;
    }

    void send(Stanza s) {
        if (s != null) {
            out.accept(s);
        }
    }

    Element item(Occupant o, boolean withJid, String actorNick, String reason) {
        Element.Builder b = Element.build("item", USER)
            .attr("affiliation", affiliation(o.real.bareJid()).xml())
            .attr("role", o.role.xml())
            .attr("jid", withJid ? o.real.toString() : null);
        if (actorNick != null) {
            b.child(Element.build("actor", USER).attr("nick", actorNick).get());
        }
        if (reason != null) {
            b.textChild("reason", USER, reason);
        }
        return b.get();
    }

    static Element status(int code) {
        return Element.build("status", USER).attr("code", Integer.toString(code)).get();
    }

    static Jid parseJid(String s) {
        try {
            return Jid.parse(s);
        } catch (JidMalformedException e) {
            throw new MucError(JID_MALFORMED, "not a valid address: " + s);
        }
    }

    private Presence presenceOf(Occupant o, Occupant receiver, List<Integer> codes, String actorNick, String reason) {
        Element.Builder x = Element.build("x", USER).child(item(o, receiver == o || seesJids(receiver), actorNick, reason));
        codes.forEach(c -> x.child(status(c)));
        List<Node> children = new ArrayList<>(o.presence);
        children.add(x.get());
        return new Presence(occupantJid(o.nick), receiver.real, null, Presence.Type.AVAILABLE, null, children);
    }

    private static List<Node> strip(List<Node> children) {
        List<Node> kept = new ArrayList<>(children.size());
        for (Node n : children) {
            if (n instanceof Element e && (e.ns().equals(MUC) || e.ns().equals(USER))) {
                continue;
            }
            kept.add(n);
        }
        return kept;
    }

    private static String password(Presence p) {
        return p.child("x", MUC).flatMap(x -> x.childText("password", MUC)).orElse("");
    }

    private static Element statusOf(Presence p) {
        return p.child("status", Ns.CLIENT).orElse(null);
    }

    private static final Set<StanzaError.Condition> GONE_CONDITIONS = Set.of(SERVICE_UNAVAILABLE,
        StanzaError.Condition.RECIPIENT_UNAVAILABLE, ITEM_NOT_FOUND, StanzaError.Condition.REMOTE_SERVER_NOT_FOUND,
        StanzaError.Condition.GONE);

    /** An error from an occupant's address that says the occupant is no longer there. */
    private static boolean signalsGone(Stanza error) {
        return GONE_CONDITIONS.contains(StanzaError.conditionOf(error));
    }

    private static int nonNegative(String s, int fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Math.max(0, Integer.parseInt(s.strip()));
        } catch (NumberFormatException e) {
            throw new MucError(BAD_REQUEST, "history attributes are numbers");
        }
    }
}
