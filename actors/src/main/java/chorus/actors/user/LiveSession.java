package chorus.actors.user;

import chorus.actors.cluster.Frames;
import chorus.actors.feature.Resource;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One bound resource of the user, as its entity sees it. Not persisted: sessions register again
 * after the entity restarts or moves.
 */
final class LiveSession implements Resource {
    final FullJid jid;
    /** The session actor; a resumed stream (XEP-0198) puts its own in place of the old one. */
    ActorRef<SessionMessage> ref;
    /** The XEP-0198 resumption id the session gave its client, or null when it cannot be resumed. */
    String resumeId;
    /** The last available presence the resource sent, or null before initial presence / after unavailable. */
    Presence presence;
    /** Its client is not reading now (XEP-0198 detached, XEP-0352 inactive), as the session last said. */
    boolean quiet;
    /** The resource asked for the roster, so it gets roster pushes (RFC 6121 §2.1.6). */
    boolean interested;
    /** The session was told to send no copies of its client's messages ({@link SentCopies}). */
    boolean skipsCopies;
    /** What else the resource asked for that brings pushes, named by the features (e.g. the block list). */
    private final Set<String> interests = new HashSet<>();
    /** Entities that got directed presence from this resource and are not presence subscribers (RFC 6121 §4.6). */
    final Set<Jid> directedTo = new LinkedHashSet<>();
    /** This binding's numbering of tracked messages (a rebind starts a new one). */
    final long epoch = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private long nextSeq = 1;
    /** Messages handed to the session and not yet acknowledged as written, oldest first. */
    final ArrayDeque<Tracked> unacked = new ArrayDeque<>();
    /** Beyond this many unacknowledged messages the oldest are no longer tracked (memory stays bounded). */
    static final int MAX_UNACKED = 5000;

    /** A message handed to the session; ackTo/ackSeq name the sending session waiting for it, if any. */
    record Tracked(long seq, Message message, ActorRef<SessionMessage> ackTo, long ackSeq) {
    }

    private final Frames frames;
    /** Runs after the resource's interests changed, before anything else is sent (see {@link SentCopies}). */
    private final Runnable interestsChanged;

    LiveSession(FullJid jid, ActorRef<SessionMessage> ref, Frames frames, Runnable interestsChanged) {
        this.jid = jid;
        this.ref = ref;
        this.frames = frames;
        this.interestsChanged = interestsChanged;
    }

    /** Hands a message to the session, remembering it until the session says it wrote it. */
    void deliverTracked(Message m, ActorRef<SessionMessage> ackTo, long ackSeq) {
        long seq = nextSeq++;
        unacked.addLast(new Tracked(seq, m, ackTo, ackSeq));
        if (unacked.size() > MAX_UNACKED) {
            unacked.pollFirst();
        }
        tell(new SessionMessage.Deliver(m, epoch, seq, ackTo, ackSeq));
    }

    /** Whether this sending session's message is still on its way to this client. */
    boolean inFlight(ActorRef<SessionMessage> ackTo, long ackSeq) {
        for (Tracked t : unacked) {
            if (t.ackSeq() == ackSeq && ackTo.equals(t.ackTo())) {
                return true;
            }
        }
        return false;
    }

    /** The session wrote everything up to this sequence number of this epoch. */
    void acked(long ackEpoch, long upToSeq) {
        if (ackEpoch != epoch) {
            return;
        }
        while (!unacked.isEmpty() && unacked.peekFirst().seq() <= upToSeq) {
            unacked.pollFirst();
        }
    }

    @Override
    public FullJid jid() {
        return jid;
    }

    @Override
    public boolean available() {
        return presence != null;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public boolean quiet() {
        return quiet;
    }

    int priority() {
        return presence == null ? 0 : presence.priority();
    }

    @Override
    public void send(Stanza stanza) {
        tell(new SessionMessage.Deliver(stanza));
    }

    /** Tells the session, in cluster frames when the message is too large for one (a big roster result). */
    @Override
    public void tell(SessionMessage message) {
        frames.tell(ref, message, SessionMessage.Framed::new);
    }

    @Override
    public boolean wants(String interest) {
        return interests.contains(interest);
    }

    @Override
    public void want(String interest) {
        if (interests.add(interest)) {
            told();
            interestsChanged.run();
        }
    }

    @Override
    public void unwant(String interest) {
        if (interests.remove(interest)) {
            told();
            interestsChanged.run();
        }
    }

    /** What the session bound with again (after the entity restarted or moved): taken back silently. */
    void wantAgain(Set<String> again) {
        interests.addAll(again);
    }

    /** The session keeps the resource's interests, to bind with them again after this entity restarted or moved. */
    void told() {
        ref.tell(new SessionMessage.Interests(Set.copyOf(interests)));
    }

    boolean hasInterests() {
        return !interests.isEmpty();
    }

    @Override
    public String toString() {
        return "LiveSession[" + jid + (available() ? " available" : "") + "]";
    }
}
