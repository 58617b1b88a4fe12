package chorus.actors.user;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.Requester;
import chorus.actors.feature.roster.Roster;
import chorus.actors.feature.roster.RosterHandler;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The entity's side of roster IQs (RFC 6121 §2): answers, persists, and pushes to interested resources. The
 * roster is the account's core (presence and every feature relate to it), so this part comes with the entity and
 * runs first, ahead of the registered features; only the account's own resources may use it (§2.3.3).
 */
final class RosterIq implements AccountHooks {
    private static final AtomicLong PUSH_IDS = new AtomicLong();

    private final BareJid user;
    private final PresenceLogic presence;
    private final ContactBarrier barrier;

    RosterIq(BareJid user, PresenceLogic presence, ContactBarrier barrier) {
        this.user = user;
        this.presence = presence;
        this.barrier = barrier;
    }

    @Override
    public boolean owns(Iq request, Requester requester) {
        return RosterHandler.owns(request) && requester.ownSession();
    }

    @Override
    public Decision handle(Iq iq, Requester requester, AccountData data) {
        LiveSession sender = (LiveSession) requester.session();
        RosterHandler.Result r = RosterHandler.handle(iq, user, ((StateView) data).state().roster(), presence.limits());
        if (r instanceof RosterHandler.Result.Failed f) {
            sender.send(f.reply());
            return Decision.none();
        }
        if (r instanceof RosterHandler.Result.Fetched f) {
            // RFC 6121 §2.1.6: a resource that asked for the roster receives pushes from now on.
            sender.interested = true;
            sender.send(f.reply());
            return Decision.none();
        }
        RosterHandler.Result.Changed c = (RosterHandler.Result.Changed) r;
        // RFC 6121 §2.3.2: the result follows the pushes; after a removal, also the contact's unsubscribe(d).
        boolean toContact = !c.outcome().toContact().isEmpty();
        return presence.apply(c.outcome(), () -> {
        }, () -> {
            if (toContact) {
                barrier.answerAfter(c.outcome().contact(), sender, c.reply());
            } else {
                sender.send(c.reply());
            }
        });
    }

    /** Sends a roster push for this contact to every interested resource (RFC 6121 §2.1.6). */
    static void push(Collection<LiveSession> sessions, Roster roster, Jid contact, Optional<RosterItem> item) {
        for (LiveSession ls : sessions) {
            if (ls.interested) {
                Iq push = RosterXml.push(ls.jid, "push-" + PUSH_IDS.incrementAndGet(), contact, item, roster.version());
                ls.tell(new SessionMessage.Deliver(push));
            }
        }
    }
}
