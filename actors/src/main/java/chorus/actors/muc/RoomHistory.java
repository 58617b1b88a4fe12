package chorus.actors.muc;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;

/**
 * A room's recent history (XEP-0045 §7.2.15): the newest messages with a body (or their tombstones), in memory, sent
 * to a newcomer with a delay stamp, as much of it as the newcomer's {@code <history/>} asks for (§7.2.16), none older
 * than the archive retention. A persistent room journals no messages: an archiving room fills this from its archive
 * when it starts again ({@link RoomArchive#load}); any other room starts with none.
 */
final class RoomHistory {
    private final BareJid room;
    private final int max;
    private final Clock clock;
    private final Duration maxAge;
    private final ArrayDeque<RoomArchive.Stamped> said = new ArrayDeque<>();

    RoomHistory(BareJid room, int max, Clock clock, Duration maxAge) {
        this.room = room;
        this.max = max;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** Keeps a message said in the room (one with a body, or a tombstone), dropping the oldest past the limit. */
    void add(RoomArchive.Stamped s) {
        if ((s.message().body() == null && !RoomModeration.isTombstone(s.message())) || max <= 0) {
            return;
        }
        said.addLast(s);
        while (said.size() > max) {
            said.removeFirst();
        }
    }

    /** Replaces the message with this stanza-id (XEP-0425: its tombstone); false when the history has none. */
    boolean replace(long id, UnaryOperator<Message> with) {
        List<RoomArchive.Stamped> all = new ArrayList<>(said);
        for (int i = 0; i < all.size(); i++) {
            RoomArchive.Stamped s = all.get(i);
            if (s.id() == id) {
                all.set(i, new RoomArchive.Stamped(with.apply(s.message()), id, s.at()));
                said.clear();
                said.addAll(all);
                return true;
            }
        }
        return false;
    }

    /** Sends to {@code to} what {@code request} (the join's {@code <history/>}, or null) asks for, oldest first. */
    void sendTo(FullJid to, Element request, Consumer<Message> out) {
        int limit = max;
        Instant since = null;
        if (request != null) {
            limit = Math.min(limit, nonNegative(request.attr("maxstanzas"), limit));
            if ("0".equals(request.attr("maxchars"))) {
                limit = 0;
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
        Instant oldest = clock.instant().minus(maxAge);
        since = since == null || since.isBefore(oldest) ? oldest : since;
        List<RoomArchive.Stamped> chosen = new ArrayList<>(said);
        chosen.removeIf(s -> s.at().isBefore(oldest));
        chosen = chosen.subList(Math.max(0, chosen.size() - limit), chosen.size());
        for (RoomArchive.Stamped s : chosen) {
            if (s.at().isBefore(since)) {
                continue;
            }
            List<Node> children = new ArrayList<>(s.message().children());
            children.add(Element.build("delay", Ns.DELAY).attr("from", room.toString())
                .attr("stamp", s.at().truncatedTo(ChronoUnit.MILLIS).toString()).get());
            out.accept(s.message().withTo(to).withChildren(children));
        }
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
