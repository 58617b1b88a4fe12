package chorus.node.it;

import chorus.node.it.peers.PeerWorld;

/**
 * {@link RemoteOwnerKillIT} with ejabberd 23.01 as the peer: the recipients are users of {@code ejabberd.example}
 * (127.0.1.33). ejabberd offers no XEP-0198 on s2s, so what the dead node had written but ejabberd had not yet
 * confirmed is resent by the new owner of the stream: a copy may arrive twice, none may be lost.
 */
class EjabberdOwnerKillIT extends RemoteOwnerKillIT {
    @Override
    PeerWorld.Options worldOptions(PeerWorld.Options o) {
        return o.withoutProsody();
    }

    @Override
    Peer startPeer() {
        return peerOf(world.ejabberd());
    }
}
