package chorus.actors.muc;

import chorus.actors.TokenBucket;
import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.ResultSet;
import chorus.actors.xmpp.StanzaException;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The chat service itself (XEP-0045 §6.1-6.3): its address answers disco#info with the conference
 * identity and disco#items with the public rooms, a page at a time (XEP-0059); stanzas to a room go to that
 * room's entity. Runs on the node of the sender's session, so it holds each occupant address to its rate of
 * entering rooms ({@link MucSettings#userJoinsPerSecond()}) before anything reaches a room.
 */
public final class MucService {
    /** Occupant addresses whose joins are counted; idle ones are forgotten first. */
    static final int MAX_TRACKED = 100_000;

    private final DomainJid service;
    private final StanzaRouter router;
    private final java.util.function.Supplier<java.util.NavigableMap<String, String>> publicRooms;
    private final BiConsumer<String, Stanza> toRoom;
    private final MucSettings settings;
    private final java.time.Clock clock;
    private final java.util.Map<chorus.actors.xmpp.Jid, TokenBucket> joins = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<chorus.actors.xmpp.Jid, TokenBucket> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    /**
     * @param publicRooms the rooms the list shows, address to name, sorted (this node's replica of the directory)
     * @param toRoom      sends a stanza to the entity of the room whose bare address is the first argument
     */
    public MucService(DomainJid service, StanzaRouter router,
                      java.util.function.Supplier<java.util.NavigableMap<String, String>> publicRooms,
                      BiConsumer<String, Stanza> toRoom, MucSettings settings, java.time.Clock clock) {
        this.service = service;
        this.router = router;
        this.publicRooms = publicRooms;
        this.toRoom = toRoom;
        this.settings = settings;
        this.clock = clock;
    }

    public DomainJid address() {
        return service;
    }

    /** Takes a stanza whose 'to' is the service or one of its rooms. */
    public void accept(Stanza stanza) {
        if (stanza.to().local() != null) {
            if (isJoin(stanza) && !mayJoin(stanza.from())) {
                router.route(stanza.errorReply(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT,
                    "you are entering rooms too fast; try again in a moment")));
                return;
            }
            toRoom.accept(stanza.to().bare().toString(), stanza);
            return;
        }
        if (stanza instanceof Iq iq) {
            if (iq.isRequest()) {
                router.route(answer(iq));
            }
        } else if (stanza instanceof Message && stanza.from() != null) {
            router.route(stanza.errorReply(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE)));
        }
    }

    /** XEP-0045 §7.2.1: a client entering a room says so with the MUC payload in its presence. */
    static boolean isJoin(Stanza s) {
        return s instanceof Presence p && p.type() == Presence.Type.AVAILABLE && p.to().resource() != null
            && p.hasChild("x", Room.MUC);
    }

    private synchronized boolean mayJoin(chorus.actors.xmpp.Jid occupant) {
        if (occupant == null) {
            return true;
        }
        return joins.computeIfAbsent(occupant,
            j -> new TokenBucket(clock, settings.userJoinsPerSecond(), 5 * settings.userJoinsPerSecond())).tryTake();
    }

    private Iq answer(Iq iq) {
        Element q = iq.payload().orElse(null);
        if (iq.type() != Iq.Type.GET || q == null) {
            return iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
        }
        if (q.attr("node") != null && (q.is("query", DiscoHandler.INFO) || q.is("query", DiscoHandler.ITEMS))) {
            return iq.error(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND));
        }
        if (q.is("query", DiscoHandler.INFO)) {
            return iq.result(DiscoReply.info().identity("conference", "text", "Chat rooms")
                .features(List.of(Room.MUC, Room.SELF_PING, DiscoHandler.INFO, DiscoHandler.ITEMS, ResultSet.NS,
                    // Rooms whose owners turn it on keep an archive (XEP-0313); every room takes moderation (XEP-0425).
                    chorus.actors.feature.mam.MamHandler.NS, RoomModeration.MODERATE)).get());
        }
        if (q.is("query", DiscoHandler.ITEMS)) {
            // XEP-0059: a page of the room list, never more than the service's page; a list longer than one
            // page says so with its <set/> even when the client asked no paging (§2.6).
            ResultSet.Request r;
            try {
                r = ResultSet.Request.of(q);
            } catch (StanzaException e) {
                return iq.error(e.error());
            }
            ResultSet.Page<String> page = ResultSet.page(publicRooms.get(), r, settings.maxItemsPage());
            DiscoReply items = DiscoReply.items();
            for (java.util.Map.Entry<String, String> room : page.items()) {
                items.item(room.getKey(), null, room.getValue());
            }
            if (page.limited()) {
                items.resultSet(page.set());
            }
            return iq.result(items.get());
        }
        return iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
    }
}
