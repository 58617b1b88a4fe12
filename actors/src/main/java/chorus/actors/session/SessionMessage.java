package chorus.actors.session;

import chorus.actors.ClusterMessage;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;

/** Messages from a user's entity to one of its client sessions. */
public sealed interface SessionMessage extends SessionInput, ClusterMessage {

    /**
     * Write this stanza to the client. A message the entity tracks has a sequence number (seq > 0) in
     * the entity's numbering for this session (epoch): the session acknowledges it once written, and
     * the entity delivers again elsewhere (another resource, or offline storage) what a session that
     * went away never acknowledged.
     */
    record Deliver(Stanza stanza, long epoch, long seq, ActorRef<SessionMessage> ackTo, long ackSeq)
        implements SessionMessage {
        public Deliver(Stanza stanza) {
            this(stanza, 0, 0, null, 0);
        }

        /**
         * The message came from a session of this server that waits to hear it arrived: once written,
         * the receiving session tells {@code ackTo} it accepted {@code ackSeq} (end to end, so a node
         * dying in between makes the sender send it again).
         */
        public boolean acknowledges() {
            return ackTo != null;
        }
    }

    /**
     * A piece of a message too large for one cluster frame (a big roster, a page of offline messages, a
     * resumed stream's state): the session puts the pieces together with a
     * {@link chorus.actors.cluster.FrameAssembly} and handles the whole as if it had come at once.
     */
    record Framed(chorus.actors.cluster.Frame frame) implements SessionMessage {
    }

    /** The recipient's entity took the message this session sent with this sequence number. */
    record Accepted(long seq) implements SessionMessage {
    }

    /**
     * Offline messages (XEP-0160), already stamped: write them in order, then confirm to the mailbox
     * with {@code MailboxEntity.Forget(upToId)} so it forgets them.
     */
    record Offline(java.util.List<chorus.actors.xmpp.Message> messages, long upToId) implements SessionMessage {
        public Offline {
            messages = java.util.List.copyOf(messages);
        }

        @Override
        public String toString() {
            return "Offline[" + messages.size() + " messages]";
        }
    }

    /** The account's block list now (XEP-0191): the session refuses stanzas to these addresses. */
    record Blocklist(java.util.List<chorus.actors.xmpp.Jid> blocked) implements SessionMessage {
        public Blocklist {
            blocked = java.util.List.copyOf(blocked);
        }

        @Override
        public String toString() {
            return "Blocklist[" + blocked.size() + "]";
        }
    }

    /**
     * What the resource asked for that lasts as long as its session (XEP-0280 carbons, the block list's pushes),
     * told whenever it changes: the session binds with it again when its account's entity restarted or moved.
     */
    record Interests(java.util.Set<String> interests) implements SessionMessage {
        public Interests {
            interests = interests == null ? java.util.Set.of() : java.util.Set.copyOf(interests);
        }
    }

    /**
     * Whether the account wants a copy of each message this session's client sends to someone else (XEP-0280 carbons,
     * XEP-0313 archive): without, the session sends none (issue 18: a second sharded message per chat message). A
     * session sends copies until told otherwise; the entity tells it to stop when a copy arrived that nothing wanted,
     * and to send them again before it answers the request that made them wanted, and before it stops.
     */
    record SentCopies(boolean wanted) implements SessionMessage {
    }

    /**
     * End the stream with this stream error condition (RFC 6120 §4.9.3), e.g. "conflict" when
     * another session took the resource, "not-authorized" when the account was removed.
     */
    record Close(String condition, String text) implements SessionMessage {
    }

    /**
     * XEP-0198: a new connection resumes this session's stream; hand its state to {@code to} and stop
     * speaking for the resource (the account's entity already gave it to {@code to}).
     */
    record HandOver(ActorRef<SessionMessage> to) implements SessionMessage {
    }

    /** A stanza written to the client and not yet acknowledged by it; a tracked message has seq > 0. */
    record Unacked(Stanza stanza, long epoch, long seq) {
        @Override
        public String toString() {
            return "Unacked[" + epoch + "/" + seq + "]";
        }
    }

    /**
     * XEP-0198 §5: what a resumed stream takes over from the session that held it: the counts of
     * stanzas handled and sent, the unacknowledged ones, the presence, roster interest and block list.
     * {@code refused} is set when the old session had already ended.
     */
    record Resumption(boolean refused, String id, long handled, long sent, java.util.List<Unacked> unacked,
                      chorus.actors.xmpp.Presence presence, boolean rosterInterest,
                      java.util.List<chorus.actors.xmpp.Jid> blocked, long timeoutSeconds) implements SessionMessage {
        public Resumption {
            unacked = unacked == null ? java.util.List.of() : java.util.List.copyOf(unacked);
            blocked = blocked == null ? java.util.List.of() : java.util.List.copyOf(blocked);
        }

        public static Resumption refusal() {
            return new Resumption(true, "", 0, 0, null, null, false, null, 0);
        }

        public Resumption withBlocked(java.util.List<chorus.actors.xmpp.Jid> list) {
            return new Resumption(refused, id, handled, sent, unacked, presence, rosterInterest, list, timeoutSeconds);
        }

        @Override
        public String toString() {
            return "Resumption[" + (refused ? "refused" : unacked.size() + " unacked") + "]";
        }
    }
}
