package chorus.node.session;

import chorus.actors.feature.blocking.BlockRules;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Stanza;

import java.util.List;

/**
 * XEP-0191 §3.3 on the client's side of the stream: nothing the user sends reaches an address it blocked; the
 * client gets the refusal instead. The account's entity tells the session its block list whenever it changes.
 */
public final class BlockingFilter implements SessionExtension {
    private final SessionLink link;
    private List<Jid> blocked = List.of();

    public BlockingFilter(SessionLink link) {
        this.link = link;
    }

    @Override
    public boolean fromClient(Stanza st) {
        Jid to = st.to();
        if (to != null && !blocked.isEmpty() && !to.bare().equals(link.account()) && BlockRules.blocks(blocked, to)) {
            BlockRules.refuseOutbound(st).ifPresent(link::toClient);
            return false;
        }
        return true;
    }

    @Override
    public void fromAccount(SessionMessage message) {
        if (message instanceof SessionMessage.Blocklist b) {
            blocked = b.blocked();
        }
    }

    @Override
    public SessionMessage.Resumption handOver(SessionMessage.Resumption r) {
        return r.withBlocked(blocked);
    }

    @Override
    public void resumed(SessionMessage.Resumption r) {
        blocked = r.blocked();
    }
}
