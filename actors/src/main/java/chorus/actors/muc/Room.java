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

import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.InMemoryArchiveStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;
import static chorus.actors.xmpp.StanzaError.Condition.ITEM_NOT_FOUND;
import static chorus.actors.xmpp.StanzaError.Condition.JID_MALFORMED;
import static chorus.actors.xmpp.StanzaError.Condition.SERVICE_UNAVAILABLE;

/**
 * One chat room (XEP-0045): its configuration, affiliations, occupants, recent history and subject.
 * Plain Java: a stanza in, the stanzas it causes out through {@code out}; the entity around it routes
 * them. A room begins when someone enters an address that has no room. A temporary room ends with its
 * last occupant; a persistent one stays ({@link #stored()} is what its entity journals: configuration,
 * affiliations, subject and the password's hash, never messages). Either ends when an owner destroys it
 * ({@link #gone()}).
 *
 * <p>This class holds the room's state and what its parts share; each kind of stanza has its own class:
 * {@link RoomPresence} (entering, nickname changes, leaving), {@link RoomMessages} (groupchat, subject, private
 * messages, invitations), {@link RoomIq} (configuration, affiliations, roles, disco), and {@link RoomHistory}
 * keeps what newcomers are sent; {@link RoomArchive} (XEP-0313, XEP-0359) and {@link RoomModeration} (XEP-0425) are
 * the archive's. Past 400 lines because the state every part shares (occupants, affiliations, the stanzas held while
 * an archiving room loads its history) lives here; the next thing to move out is the occupant bookkeeping
 * ({@code broadcast}, {@code remove}, {@code presenceOf}).
 */
public final class Room {
    public static final String MUC = "http://jabber.org/protocol/muc";
    /** XEP-0410 §3.3: the room answers an occupant's ping to its own room address itself. */
    public static final String SELF_PING = "http://jabber.org/protocol/muc#self-ping-optimization";
    public static final String USER = MUC + "#user";
    static final String ADMIN = MUC + "#admin";
    static final String OWNER = MUC + "#owner";

    enum Phase { NEW, LOCKED, OPEN }

    final BareJid jid;
    final MucSettings settings;
    final String userDomain;
    private final Clock clock;
    private final Consumer<Stanza> out;
    private final RoomIq iq;
    Phase phase = Phase.NEW;
    private boolean gone;
    RoomConfig config;
    final Map<BareJid, Affiliation> affiliations = new LinkedHashMap<>();
    final Map<String, Occupant> occupants = new LinkedHashMap<>();
    final Map<FullJid, Occupant> byReal = new HashMap<>();
    final RoomHistory history;
    final RoomArchive archive;
    final RoomModeration moderation;
    /** While an archiving room fills its history from the archive, what it is sent waits here. */
    private List<Stanza> held;
    private final RoomMessages messages;
    private final RoomPresence presences;
    Message subject;
    /** The password's hash, for a persistent room; after a restart the room knows only this. */
    private RoomSecret secret;
    /** Counts changes to what {@link #stored()} is made of, so the entity builds it only after one. */
    private int storedRevision;
    /** Who made the room (bare address), counted against the rooms one account may make. */
    String creator;
    final RoomListing service;
    /** Entries into this room per second (a flood of joins is refused, not handled). */
    final TokenBucket joins;

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
        this(jid, settings, userDomain, clock, out, service,
            new InMemoryArchiveStore(clock, RoomArchiveSettings.defaults().retention()), RoomArchiveSettings.defaults(),
            RoomAsync.DIRECT);
    }

    /**
     * @param archive         where rooms that archive keep their messages (the users' archive table)
     * @param archiveSettings the archive's retention and limits
     * @param async           runs the steps after the archive answers where the room runs
     */
    public Room(BareJid jid, MucSettings settings, String userDomain, Clock clock, Consumer<Stanza> out,
                RoomListing service, ArchiveStore archive, RoomArchiveSettings archiveSettings, RoomAsync async) {
        this.service = service;
        this.joins = new TokenBucket(clock, settings.roomJoinsPerSecond(), 2 * settings.roomJoinsPerSecond());
        this.jid = jid;
        this.settings = settings;
        this.userDomain = userDomain;
        this.clock = clock;
        this.out = out;
        this.config = RoomConfig.defaults(settings);
        this.iq = new RoomIq(this);
        this.history = new RoomHistory(jid, settings.history(), clock, archiveSettings.retention());
        this.archive = new RoomArchive(this, archive, archiveSettings, clock, async);
        this.moderation = new RoomModeration(this);
        this.messages = new RoomMessages(this);
        this.presences = new RoomPresence(this);
    }

    /** Handles a stanza addressed to the room or to one of its occupants. */
    public void handle(Stanza s) {
        if (gone) {
            throw new IllegalStateException("a room that is gone takes no more stanzas");
        }
        if (held != null) {
            if (held.size() < HOLD_MAX) {
                held.add(s);
            } else if (!s.isError()) {
                send(s.errorReply(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT,
                    "the room is starting; try again in a moment")));
            }
            return;
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
                presences.handle(p, from);
            } else if (s instanceof Message m) {
                messages.handle(m, from);
            } else {
                iq.handle((Iq) s, from);
            }
        } catch (MucError e) {
            send(s.errorReply(e.error()));
        }
    }

    /** Stanzas a starting room holds at most; more are refused. */
    private static final int HOLD_MAX = 500;

    /** Whether the room is still filling its history from its archive (it holds what it is sent). */
    public boolean loading() {
        return held != null;
    }

    /**
     * XEP-0045 §7.4 with XEP-0359: a message from the room to everyone, stamped with the room's stanza-id, kept in the
     * history and, when the room archives, in its archive.
     */
    void sayToEveryone(Message m) {
        RoomArchive.Stamped said = archive.stamp(m);
        for (Occupant r : occupants.values()) {
            send(said.message().withTo(r.real));
        }
        history.add(said);
        archive.keep(said);
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
            end();
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

    /** A new subject (XEP-0045 §8.1): told to newcomers, and stored with a persistent room. */
    void subject(Message subject) {
        this.subject = subject;
        storedRevision++;
    }

    /** Changes whenever the configuration, the affiliations, the subject or the room's opening change. */
    public int storedRevision() {
        return storedRevision;
    }

    boolean secretStored() {
        return secret != null;
    }

    boolean passwordMatches(String given) {
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
        if (config.archiving()) {
            held = new ArrayList<>();
            archive.load(history, settings.history(), this::loaded);
        }
    }

    /** The history is filled: what waited is handled now, in order. */
    private void loaded() {
        List<Stanza> waiting = held;
        held = null;
        for (Stanza s : waiting) {
            if (gone) {
                break;
            }
            handle(s);
        }
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
        end();
    }

    /** The room ends, and its archive with it. */
    private void end() {
        gone = true;
        archive.erase();
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

    Presence presenceOf(Occupant o, Occupant receiver, List<Integer> codes, String actorNick, String reason) {
        Element.Builder x = Element.build("x", USER).child(item(o, receiver == o || seesJids(receiver), actorNick, reason));
        codes.forEach(c -> x.child(status(c)));
        List<Node> children = new ArrayList<>(o.presence);
        children.add(x.get());
        return new Presence(occupantJid(o.nick), receiver.real, null, Presence.Type.AVAILABLE, null, children);
    }

    static List<Node> strip(List<Node> children) {
        List<Node> kept = new ArrayList<>(children.size());
        for (Node n : children) {
            if (n instanceof Element e && (e.ns().equals(MUC) || e.ns().equals(USER))) {
                continue;
            }
            kept.add(n);
        }
        return kept;
    }

    static String password(Presence p) {
        return p.child("x", MUC).flatMap(x -> x.childText("password", MUC)).orElse("");
    }

    static Element statusOf(Presence p) {
        return p.child("status", Ns.CLIENT).orElse(null);
    }

    private static final Set<StanzaError.Condition> GONE_CONDITIONS = Set.of(SERVICE_UNAVAILABLE,
        StanzaError.Condition.RECIPIENT_UNAVAILABLE, ITEM_NOT_FOUND, StanzaError.Condition.REMOTE_SERVER_NOT_FOUND,
        StanzaError.Condition.GONE);

    /** An error from an occupant's address that says the occupant is no longer there. */
    static boolean signalsGone(Stanza error) {
        return GONE_CONDITIONS.contains(StanzaError.conditionOf(error));
    }
}
