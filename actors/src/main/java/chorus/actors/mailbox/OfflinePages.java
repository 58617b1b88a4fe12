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
 * A mailbox's hand-over to sessions, a page at a time: each page holds as many waiting messages, oldest
 * first and stamped with their arrival (XEP-0203), as fit one cluster frame ({@link Frames#budget()}; at
 * least one, and a single larger message travels in frames), and at most {@link #MAX_MESSAGES}. The next page
 * goes once the session confirms this one, so a session gets no more than a page ahead of its client (whose
 * stream management allows only so many unacknowledged stanzas); a session asking again meanwhile gets nothing
 * twice; a page never confirmed is sent again when the session asks after {@link #PAGE_TIMEOUT}. In memory, a
 * few sessions at a time: a session confirming a page this mailbox does not know of (it restarted, its node
 * died) names itself, and gets the rest from there.
 */
final class OfflinePages {
    private static final Logger log = LoggerFactory.getLogger(OfflinePages.class);
    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
    /** Messages in one page at most: well below what a client may leave unacknowledged (XEP-0198, 500). */
    static final int MAX_MESSAGES = 100;

    /** A waiting message, as the page needs it. */
    record Entry(long id, Instant arrivedAt, Message message) {
    }

    /** The page handed to a session: the messages after {@code after} up to {@code upTo}, sent then. */
    private record Page(FullJid to, long after, long upTo, Instant sent) {
    }

    private final Frames frames;
    private final Clock clock;
    private final String domain;
    private final Map<ActorRef<SessionMessage>, Page> paging = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ActorRef<SessionMessage>, Page> eldest) {
            return size() > 16;
        }
    };

    OfflinePages(Frames frames, Clock clock, String domain) {
        this.frames = frames;
        this.clock = clock;
        this.domain = domain;
    }

    /** No page is on its way to any session. */
    boolean idle() {
        return paging.isEmpty();
    }

    /** Where a session asking now starts; -1 when its page is on its way and it gets nothing now. */
    long startFor(ActorRef<SessionMessage> session) {
        Page current = paging.get(session);
        if (current == null) {
            return 0;
        }
        return Duration.between(current.sent(), clock.instant()).compareTo(PAGE_TIMEOUT) < 0 ? -1 : current.after();
    }

    /**
     * The sessions that confirmed the page ending at this id and get the next: those this mailbox sent it to,
     * and {@code session} (to {@code to}) when it names itself and this mailbox did not know of its page.
     */
    List<Map.Entry<ActorRef<SessionMessage>, FullJid>> confirmedBy(long upTo, ActorRef<SessionMessage> session,
                                                                    FullJid to) {
        List<Map.Entry<ActorRef<SessionMessage>, FullJid>> out = new ArrayList<>();
        paging.forEach((s, page) -> {
            if (page.upTo() == upTo) {
                out.add(Map.entry(s, page.to()));
            }
        });
        if (session != null && to != null && !paging.containsKey(session)) {
            out.add(Map.entry(session, to));
        }
        return out;
    }

    /** Sends the page after {@code after} of {@code live} (oldest first); nothing left ends the paging. */
    void send(List<Entry> live, FullJid to, ActorRef<SessionMessage> session, long after) {
        List<Message> page = new ArrayList<>();
        long upTo = 0;
        long bytes = 0;
        for (Entry e : live) {
            if (e.id() <= after) {
                continue;
            }
            Message stamped = stamped(e, to);
            long size = WireSize.of(stamped);
            if (!page.isEmpty() && (bytes + size > frames.budget() || page.size() >= MAX_MESSAGES)) {
                break;
            }
            page.add(stamped);
            bytes += size;
            upTo = e.id();
        }
        if (page.isEmpty()) {
            paging.remove(session);
            return;
        }
        paging.put(session, new Page(to, after, upTo, clock.instant()));
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

    /** The waiting messages after {@code afterId}, as many as {@code pageWeight} holds (at least one): an export's page. */
    static MailboxEntity.Waiting peek(List<MailboxEntity.MessageStored> unexpired, long afterId, int pageWeight) {
        List<MailboxEntity.MessageStored> page = new ArrayList<>();
        int weight = 0;
        long next = -1;
        for (MailboxEntity.MessageStored m : unexpired) {
            if (m.id() <= afterId) {
                continue;
            }
            if (!page.isEmpty() && weight + m.size() > pageWeight) {
                next = page.get(page.size() - 1).id();
                break;
            }
            page.add(m);
            weight += m.size();
        }
        return new MailboxEntity.Waiting(page, next);
    }
}
