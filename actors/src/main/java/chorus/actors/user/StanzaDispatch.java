package chorus.actors.user;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.Decision;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.Requester;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.util.List;
import java.util.Map;

/**
 * A stanza's walk through the account's entity. From one of its own sessions (RFC 6121 outbound processing):
 * presence to the presence core, IQs to the features, messages on through the router. To the account or one of
 * its resources: the features may refuse it ({@code screen}), then presence to the core, messages to delivery
 * (through the features' {@code deliver}), IQs to a resource's session, or, to the bare JID, to the feature that
 * owns them.
 */
final class StanzaDispatch {
    private final BareJid jid;
    private final UserEntity.Deps deps;
    private final Map<String, LiveSession> sessions;
    private final UserEntity entity;
    private final AccountContext features;

    StanzaDispatch(UserEntity entity, AccountContext features) {
        this.jid = entity.jid();
        this.deps = entity.deps();
        this.sessions = entity.sessions();
        this.entity = entity;
        this.features = features;
    }

    static void handle(UserEntity.CommandHandlers all) {
        var on = all.part(UserEntity::stanzas);
        on.on(UserEntity.FromClient.class, StanzaDispatch::fromClient);
        on.on(UserEntity.Deliver.class, StanzaDispatch::deliver);
        on.on(UserEntity.Sent.class, StanzaDispatch::sent);
    }

    private Effect<AccountEvent, AccountState> sent(AccountState s, UserEntity.Sent c) {
        if (s.exists()) {
            StateView data = entity.data(s);
            entity.hooks().sent(c.message(), data);
            entity.copies().arrived(c.message(), data);
        }
        return entity.effects().none();
    }

    // ---- stanzas from the account's own sessions (RFC 6121 outbound processing) ----

    private Effect<AccountEvent, AccountState> fromClient(AccountState s, UserEntity.FromClient c) {
        Stanza st = c.stanza();
        if (!(st.from() instanceof FullJid from) || !sessions.containsKey(from.resource())) {
            return entity.effects().none();
        }
        LiveSession sender = sessions.get(from.resource());
        StateView data = entity.data(s);
        if (st instanceof Presence p) {
            if (p.to() == null && p.type() == Presence.Type.AVAILABLE) {
                entity.hooks().resourcePresence(sender.jid, p, true, data);
            } else if (p.to() == null && p.type() == Presence.Type.UNAVAILABLE) {
                entity.hooks().resourceGone(sender.jid);
            }
            boolean wasAvailable = entity.resources().anyAvailable();
            Decision d = entity.presence().outbound(data, sender, p);
            if (s.exists() && wasAvailable && !entity.resources().anyAvailable()) {
                // The last available resource said goodbye before its stream ended (as most clients do): that is
                // the logout the features keep (XEP-0012 §3), not the later end of an unavailable session.
                List<AccountEvent> gone = entity.hooks().lastResourceGone(data);
                if (!gone.isEmpty()) {
                    List<AccountEvent> events = new java.util.ArrayList<>(d.events());
                    events.addAll(gone);
                    d = new Decision(List.copyOf(events), d.then());
                }
            }
            return entity.effects().decide(s, d);
        }
        if (st instanceof Iq iq) {
            if (!iq.isRequest()) {
                // The answer of one of the user's resources to a request of the account (XEP-0115 disco#info).
                entity.hooks().answer(iq, data);
                return entity.effects().none();
            }
            return entity.effects().decide(s, entity.hooks().request(iq, Requester.own(sender), data, features));
        }
        // Messages from the user to its own bare JID come here through the router as Deliver.
        deps.router().route(st);
        return entity.effects().none();
    }

    // ---- stanzas addressed to the account ----

    private Effect<AccountEvent, AccountState> deliver(AccountState s, UserEntity.Deliver c) {
        MessageDelivery.Sender ack = entity.delivery().accept(c);
        if (ack == null) {
            return entity.effects().none();
        }
        Stanza st = c.stanza();
        if (!(st instanceof Message)) {
            ack.ack();
        }
        if (!s.exists()) {
            if (st instanceof Message) {
                ack.ack();
            }
            return noAccount(st);
        }
        StateView data = entity.data(s);
        if (entity.hooks().screen(st, data)) {
            if (st instanceof Message) {
                ack.ack();
            }
            return entity.effects().none();
        }
        if (st instanceof Presence p) {
            entity.hooks().presenceIn(p, data);
            return entity.effects().decide(s, entity.presence().inbound(data, p));
        }
        if (st instanceof Message m) {
            entity.delivery().deliver(entity.hooks().deliver(m, data), ack);
            return entity.effects().none();
        }
        Iq iq = (Iq) st;
        if (iq.to() instanceof FullJid full) {
            LiveSession target = sessions.get(full.resource());
            if (target != null) {
                target.send(iq);
            } else if (iq.isRequest()) {
                // RFC 6121 §8.5.3.2.3: no such resource.
                entity.bounce(iq, StanzaError.Condition.SERVICE_UNAVAILABLE);
            } else {
                // An answer: its session may be about to bind again to this new incarnation.
                entity.awaited().keep(full.resource(), iq);
            }
            return entity.effects().none();
        }
        if (!iq.isRequest()) {
            entity.hooks().answer(iq, data);
            return entity.effects().none();
        }
        boolean fromSelf = iq.from() != null && iq.from().bare().equals(jid);
        Requester requester = fromSelf
            ? new Requester(iq.from(), IqContext.Relation.SELF, sessions.get(iq.from().resource()))
            : new Requester(iq.from(), data.relationOf(iq.from()), null);
        return entity.effects().decide(s, entity.hooks().request(iq, requester, data, features));
    }

    /** RFC 6121 §8.5.1: the account does not exist. */
    private Effect<AccountEvent, AccountState> noAccount(Stanza st) {
        if (st instanceof Presence p) {
            if (p.type() == Presence.Type.SUBSCRIBE || p.type() == Presence.Type.PROBE) {
                // RFC 6121 §3.1.3 and §4.3.2: answered with unsubscribed so the asker's roster settles.
                if (p.from() != null) {
                    entity.send(Presence.of(jid, p.from().bare(), Presence.Type.UNSUBSCRIBED));
                }
            }
            return entity.effects().none();
        }
        if (st instanceof Iq iq && !iq.isRequest()) {
            return entity.effects().none();
        }
        entity.bounce(st, StanzaError.Condition.SERVICE_UNAVAILABLE);
        return entity.effects().none();
    }
}
