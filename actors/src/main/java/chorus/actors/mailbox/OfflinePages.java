package chorus.actors.mailbox;

import chorus.actors.cluster.Frames;
import chorus.actors.cluster.WireSize;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mailbox's hand-over to sessions in pages: each page holds as many waiting messages, oldest first and
 * stamped with their arrival (XEP-0203), as fit one cluster frame ({@link Frames#budget()}; at least one, and
 * a single larger message travels in frames). All pages go at once, in order, and the session confirms each
 * once it wrote it; no page waits for another's confirmation, so a mailbox that restarts in between (its node
 * died) leaves nothing behind but what was not confirmed, which waits for the next hand-over. A session
 * asking again gets only what is newer than what it was handed, unless it has confirmed nothing of it for
 * {@link #PAGE_TIMEOUT} (lost on the way): then all of it again. In memory, a few sessions at a time.
 */
final class OfflinePages {
    private static final Logger log = LoggerFactory.getLogger(OfflinePages.class);
    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);

    /** A waiting message, as the page needs it. */
    record Entry(long id, Instant arrivedAt, Message message) {
    }

    /** What a session was handed: the messages up to {@code upTo}, the last of them when. */
    private record Handed(long upTo, Instant at) {
    }

    private final Frames frames;
    private final Clock clock;
    private final String domain;
    private final Map<ActorRef<SessionMessage>, Handed> handed = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ActorRef<SessionMessage>, Handed> eldest) {
            return size() > 16;
        }
    };

    OfflinePages(Frames frames, Clock clock, String domain) {
        this.frames = frames;
        this.clock = clock;
        this.domain = domain;
    }

    /** A session confirmed the messages up to this id: what it was handed up to there is done with. */
    void confirmed(long upTo) {
        handed.values().removeIf(h -> h.upTo() <= upTo);
    }

    /** Hands the session, in pages, what waits ({@code live}, oldest first) and it was not handed yet. */
    void send(List<Entry> live, FullJid to, ActorRef<SessionMessage> session) {
        Handed before = handed.get(session);
        long after = before != null && Duration.between(before.at(), clock.instant()).compareTo(PAGE_TIMEOUT) < 0
            ? before.upTo() : 0;
        List<Message> page = new ArrayList<>();
        long pageUpTo = 0;
        long bytes = 0;
        int pages = 0;
        for (Entry e : live) {
            if (e.id() <= after) {
                continue;
            }
            Message stamped = stamped(e, to);
            long size = WireSize.of(stamped);
            if (!page.isEmpty() && bytes + size > frames.budget()) {
                flush(session, page, pageUpTo, bytes);
                pages++;
                page = new ArrayList<>();
                bytes = 0;
            }
            page.add(stamped);
            bytes += size;
            pageUpTo = e.id();
        }
        if (!page.isEmpty()) {
            flush(session, page, pageUpTo, bytes);
            pages++;
        }
        if (pages > 0) {
            handed.put(session, new Handed(pageUpTo, clock.instant()));
        }
    }

    private void flush(ActorRef<SessionMessage> session, List<Message> page, long upTo, long bytes) {
        log.debug("offline page of {} messages, at most {} bytes", page.size(), bytes);
        frames.tell(session, new SessionMessage.Offline(page, upTo), SessionMessage.Framed::new);
    }

    /** The message as delivered: to the receiving resource, with a XEP-0203 delay element. */
    private Message stamped(Entry e, FullJid to) {
        List<Node> children = new ArrayList<>(e.message().children());
        children.add(Element.build("delay", Ns.DELAY)
            .attr("from", domain)
            .attr("stamp", DateTimeFormatter.ISO_INSTANT.format(e.arrivedAt()))
            .text("Offline storage")
            .get());
        return e.message().withTo(to).withChildren(children);
    }
}
