package chorus.actors.muc;

import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The chat service itself (XEP-0045 §6.1-6.3): its address answers disco#info with the conference
 * identity and disco#items with the public rooms; stanzas to a room go to that room's entity.
 */
public final class MucService {
    private final DomainJid service;
    private final StanzaRouter router;
    private final RoomDirectory directory;
    private final BiConsumer<String, Stanza> toRoom;

    /** @param toRoom sends a stanza to the entity of the room whose bare address is the first argument */
    public MucService(DomainJid service, StanzaRouter router, RoomDirectory directory, BiConsumer<String, Stanza> toRoom) {
        this.service = service;
        this.router = router;
        this.directory = directory;
        this.toRoom = toRoom;
    }

    public DomainJid address() {
        return service;
    }

    /** Takes a stanza whose 'to' is the service or one of its rooms. */
    public void accept(Stanza stanza) {
        if (stanza.to().local() != null) {
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
                .features(List.of(Room.MUC, DiscoHandler.INFO, DiscoHandler.ITEMS)).get());
        }
        if (q.is("query", DiscoHandler.ITEMS)) {
            DiscoReply items = DiscoReply.items();
            directory.publicRooms().forEach((room, name) -> items.item(room, null, name));
            return iq.result(items.get());
        }
        return iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
    }
}
