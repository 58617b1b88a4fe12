package chorus.actors.feature.carbons;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Carbons in one account's entity: the enable and disable requests of its resources (§4, §5), and the copies. A
 * message to the account goes as RFC 6121 says, and each enabled resource that did not get it gets a
 * {@code <received/>} copy (§7); what a resource sends goes to every other enabled resource as a {@code <sent/>}
 * copy, whether the sender enabled carbons or not (§8). Copies are written as they come, untracked: a copy that
 * does not arrive is not delivered elsewhere, and it never bounces back to the original sender (§10.3).
 */
final class CarbonsHooks implements AccountHooks {
    /** The interest of a resource that enabled carbons. */
    static final String INTEREST = Carbons.NS;

    private final AccountContext ctx;
    private final CarbonsSettings settings;
    /** Peer and id of the recent eligible messages the account's resources sent, and of those they received. */
    private final Set<String> recentlySent = new LinkedHashSet<>();
    private final Set<String> recentlyReceived = new LinkedHashSet<>();

    CarbonsHooks(AccountContext ctx, CarbonsSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    @Override
    public boolean owns(Iq request, Requester requester) {
        return request.payloadIs(Carbons.NS, "enable") || request.payloadIs(Carbons.NS, "disable");
    }

    /**
     * §4, §5: a resource enables or disables carbons for itself, as often as it likes (§10.1: again is no error).
     * Nobody else may: not-allowed (§4.1, §5.1).
     */
    @Override
    public Decision handle(Iq request, Requester requester, AccountData data) {
        if (!requester.ownSession()) {
            return Decision.then(d -> ctx.route(request.error(StanzaError.of(StanzaError.Condition.NOT_ALLOWED,
                "carbons are enabled by a resource of the account for itself"))));
        }
        Resource resource = requester.session();
        if (request.type() != Iq.Type.SET) {
            return Decision.then(d -> resource.send(request.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST))));
        }
        return Decision.then(d -> {
            if (request.payloadIs(Carbons.NS, "enable")) {
                resource.want(INTEREST);
            } else {
                resource.unwant(INTEREST);
            }
            resource.send(request.result());
        });
    }

    /** §7: the resources that did not receive the message under RFC 6121 §8.5 and enabled carbons get a copy. */
    @Override
    public Message deliver(Message m, AccountData data) {
        if (m.from() == null || !eligible(m, Carbons.Direction.RECEIVED)) {
            return m;
        }
        List<? extends Resource> recipients = ctx.recipients(m);
        for (Resource r : ctx.resources()) {
            // A resource that sent a message to its own account knows it already.
            if (r.wants(INTEREST) && !recipients.contains(r) && !r.jid().equals(m.from())) {
                r.send(Carbons.copy(ctx.account(), r.jid(), m, Carbons.Direction.RECEIVED));
            }
        }
        return m;
    }

    /** §8: every other enabled resource gets a copy; the sender does not (it has its message). */
    @Override
    public void sent(Message m, AccountData data) {
        if (m.to() == null || !eligible(m, Carbons.Direction.SENT)) {
            return;
        }
        for (Resource r : ctx.resources()) {
            if (r.wants(INTEREST) && !r.jid().equals(m.from())) {
                r.send(Carbons.copy(ctx.account(), r.jid(), m, Carbons.Direction.SENT));
            }
        }
    }

    /** §8: copies of what a resource sends are needed while any resource has carbons enabled. */
    @Override
    public boolean wantsSent(AccountData data) {
        for (Resource r : ctx.resources()) {
            if (r.wants(INTEREST)) {
                return true;
            }
        }
        return false;
    }

    /**
     * §6.1, and the error rule: an error is copied when it answers a message that was copied (eligible) the other
     * way. Eligible messages are remembered (their peer and id, a bounded number) for that.
     */
    private boolean eligible(Message m, Carbons.Direction direction) {
        boolean received = direction == Carbons.Direction.RECEIVED;
        Jid peer = received ? m.from() : m.to();
        if (m.type() == Message.Type.ERROR) {
            if (m.id() == null || m.hasChild("private", Carbons.NS) || m.hasChild("no-copy", Carbons.HINTS)) {
                return false;
            }
            return (received ? recentlySent : recentlyReceived).contains(Carbons.key(peer, m.id()));
        }
        if (!Carbons.eligible(m, direction)) {
            return false;
        }
        if (m.id() != null && !(peer instanceof FullJid own && own.bare().equals(ctx.account()))) {
            remember(received ? recentlyReceived : recentlySent, Carbons.key(peer, m.id()));
        }
        return true;
    }

    private void remember(Set<String> recent, String key) {
        if (settings.trackedIds() == 0) {
            return;
        }
        recent.remove(key);
        recent.add(key);
        if (recent.size() > settings.trackedIds()) {
            recent.remove(recent.iterator().next());
        }
    }
}
