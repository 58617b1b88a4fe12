package chorus.actors.muc;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static chorus.actors.xmpp.StanzaError.Condition.BAD_REQUEST;

/**
 * A room's recent history (XEP-0045 §7.2.15): the newest messages with a body, in memory only, sent to a
 * newcomer with a delay stamp, as much of it as the newcomer's {@code <history/>} asks for (§7.2.16). Never
 * stored: a persistent room journals no messages.
 */
final class RoomHistory {
    private record Said(Message message, Instant at) {
    }

    private final BareJid room;
    private final int max;
    private final Clock clock;
    private final ArrayDeque<Said> said = new ArrayDeque<>();

    RoomHistory(BareJid room, int max, Clock clock) {
        this.room = room;
        this.max = max;
        this.clock = clock;
    }

    /** Keeps a message said in the room (one with a body), dropping the oldest past the limit. */
    void add(Message message) {
        if (message.body() == null || max <= 0) {
            return;
        }
        said.addLast(new Said(message, clock.instant()));
        while (said.size() > max) {
            said.removeFirst();
        }
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
        List<Said> chosen = new ArrayList<>(said);
        chosen = chosen.subList(Math.max(0, chosen.size() - limit), chosen.size());
        for (Said s : chosen) {
            if (since != null && s.at().isBefore(since)) {
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
