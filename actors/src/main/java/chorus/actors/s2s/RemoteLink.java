package chorus.actors.s2s;

import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What a {@link RemoteDomain} entity tells its outgoing stream, a child actor the node provides ({@link Factory}):
 * it resolves the peer, connects, secures and authenticates the stream, and reports to the entity with
 * {@link RemoteDomain.LinkUp}, {@link RemoteDomain.LinkAcked}, {@link RemoteDomain.LinkVerified} and
 * {@link RemoteDomain.LinkDown}. The node adds its own local messages to this protocol.
 */
public interface RemoteLink {

    /** Write this stanza to the peer. Sends are numbered by the entity in order, 1, 2, ... per link. */
    record Send(Stanza stanza) implements RemoteLink {
        @Override
        public String toString() {
            return "Send[" + stanza + "]";
        }
    }

    /**
     * XEP-0220 §2.4: ask the peer, as the authoritative server, whether it issued {@code key} on its stream
     * {@code streamId} to us. Possible before the link is authenticated, once it is secured.
     */
    record Verify(String streamId, String key) implements RemoteLink {
        /** The key is a credential of the peer: never printed. */
        @Override
        public String toString() {
            return "Verify[" + streamId + "]";
        }
    }

    /** Close the stream (RFC 6120 §4.4) and stop. */
    enum Close implements RemoteLink { INSTANCE }

    /** How the node makes the link of an entity. */
    @FunctionalInterface
    interface Factory {
        /**
         * The outgoing stream from {@code local} to {@code remote}; {@code epoch} numbers the entity's links so that
         * late reports of an earlier one are told apart.
         */
        Behavior<RemoteLink> open(String local, String remote, long epoch, ActorRef<RemoteDomain.Command> owner);
    }
}
