package chorus.actors.user;

import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.Decision;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.RosterLimits;
import chorus.actors.feature.roster.RosterOutcome;
import chorus.actors.feature.roster.SubscriptionLogic;
import chorus.actors.router.StanzaRouter;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 6121 §3-4 as the user's entity applies them: broadcasts, probes, directed presence and the
 * subscription handshake. Decisions about roster items come from {@link SubscriptionLogic}.
 */
final class PresenceLogic {
    private final BareJid user;
    private final Map<String, LiveSession> sessions;
    private final StanzaRouter router;
    private final RosterLimits limits;
    private final MessageDelivery delivery;

    PresenceLogic(BareJid user, Map<String, LiveSession> sessions, StanzaRouter router, RosterLimits limits,
                  MessageDelivery delivery) {
        this.user = user;
        this.sessions = sessions;
        this.router = router;
        this.limits = limits;
        this.delivery = delivery;
    }

    RosterLimits limits() {
        return limits;
    }

    // ---- from the user's own sessions ----

    Decision outbound(StateView s, LiveSession sender, Presence sent) {
        Presence p = sent.type() == Presence.Type.AVAILABLE ? s.hooks().outgoing(sent, s) : sent;
        if (p.to() == null) {
            if (p.type() == Presence.Type.AVAILABLE) {
                boolean initial = !sender.available();
                broadcastAvailable(s, sender, p);
                if (initial && sender.priority() >= 0) {
                    delivery.availableForOffline(sender);
                }
            } else if (p.type() == Presence.Type.UNAVAILABLE) {
                broadcastUnavailable(s, sender, p);
            }
            // Other types without 'to' have no meaning (RFC 6121 §4.1); they are dropped.
            return Decision.none();
        }
        if (p.type().isSubscription()) {
            return outboundSubscription(s, sender, p);
        }
        if (p.type() == Presence.Type.PROBE) {
            // RFC 6121 §4.3: probes are the server's business; a client's probe is not sent on.
            return Decision.none();
        }
        if (p.isAvailability()) {
            // RFC 6121 §4.6: directed presence; remember who got it so they learn when we leave.
            Jid to = p.to();
            boolean subscriber = s.state().roster().get(to.bare()).map(i -> i.subscription().hasFrom()).orElse(false);
            if (!subscriber || to.isFull()) {
                if (p.type() == Presence.Type.AVAILABLE) {
                    sender.directedTo.add(to);
                } else {
                    sender.directedTo.remove(to);
                }
            }
        }
        router.route(p);
        return Decision.none();
    }

    /** RFC 6121 §4.2 (initial presence) and §4.4 (updates). */
    private void broadcastAvailable(StateView s, LiveSession sender, Presence p) {
        boolean initial = !sender.available();
        sender.presence = p;
        for (RosterItem item : s.state().roster().items().values()) {
            // XEP-0191 §3.3: a blocked contact gets no presence from the user.
            if (s.blocks(item.jid())) {
                continue;
            }
            if (initial && item.subscription().hasTo()) {
                router.route(Presence.of(user, item.jid(), Presence.Type.PROBE));
            }
            if (item.subscription().hasFrom()) {
                router.route(p.withFromTo(sender.jid, item.jid()));
            }
        }
        for (LiveSession other : sessions.values()) {
            if (other.available()) {
                other.tell(new SessionMessage.Deliver(p.withFromTo(sender.jid, other.jid)));
            }
            if (initial && other != sender && other.available()) {
                // The new resource learns about the user's other resources (RFC 6121 §4.2.2).
                sender.tell(new SessionMessage.Deliver(other.presence.withFromTo(other.jid, sender.jid)));
            }
        }
        if (initial) {
            // RFC 6121 §3.1.3: subscription requests that waited for the user are delivered now.
            for (Presence request : SubscriptionLogic.pendingRequests(user, s.state().roster())) {
                sender.tell(new SessionMessage.Deliver(request));
            }
        }
    }

    /** RFC 6121 §4.5: unavailable goes to subscribers, to directed-presence recipients and to the user's resources. */
    private void broadcastUnavailable(StateView s, LiveSession sender, Presence p) {
        if (!sender.available()) {
            return;
        }
        sender.presence = null;
        Presence u = p.withType(Presence.Type.UNAVAILABLE);
        sendUnavailable(s, sender, u);
    }

    /** The resource went away without saying goodbye (RFC 6121 §4.5.1: the server sends unavailable for it). */
    void resourceGone(StateView s, LiveSession ls) {
        if (!ls.available()) {
            for (Jid to : ls.directedTo) {
                router.route(Presence.of(ls.jid, to, Presence.Type.UNAVAILABLE));
            }
            ls.directedTo.clear();
            return;
        }
        ls.presence = null;
        sendUnavailable(s, ls, Presence.of(ls.jid, null, Presence.Type.UNAVAILABLE));
    }

    private void sendUnavailable(StateView s, LiveSession from, Presence u) {
        for (RosterItem item : s.state().roster().items().values()) {
            if (item.subscription().hasFrom() && !s.blocks(item.jid())) {
                router.route(u.withFromTo(from.jid, item.jid()));
            }
        }
        for (Jid to : from.directedTo) {
            router.route(u.withFromTo(from.jid, to));
        }
        from.directedTo.clear();
        for (LiveSession other : sessions.values()) {
            if (other.available() || other == from) {
                other.tell(new SessionMessage.Deliver(u.withFromTo(from.jid, other.jid)));
            }
        }
    }

    // ---- subscriptions (RFC 6121 §3) ----

    private Decision outboundSubscription(StateView s, LiveSession sender, Presence p) {
        RosterOutcome o;
        try {
            o = SubscriptionLogic.outbound(user, s.state().roster(), limits, p.type(), p.to());
        } catch (chorus.actors.xmpp.StanzaException e) {
            sender.tell(new SessionMessage.Deliver(p.errorReply(e.error())));
            return Decision.none();
        }
        // RFC 6121 §3.1.2: the server stamps the user's bare JID on subscription stanzas.
        Presence forward = p.withFromTo(user, o.contact());
        return apply(o, () -> router.route(forward));
    }

    /**
     * Carries out a roster outcome in the order {@link RosterOutcome} describes: persist, push, then
     * the stanza itself (forward), then the presence the server sends on the user's behalf.
     */
    Decision apply(RosterOutcome o, Runnable forward) {
        return apply(o, forward, () -> {
        });
    }

    /** As {@link #apply(RosterOutcome, Runnable)}, then runs {@code last}. */
    Decision apply(RosterOutcome o, Runnable forward, Runnable last) {
        List<AccountEvent> events = new ArrayList<>(1);
        if (o.stateChanged()) {
            events.add(o.item().<AccountEvent>map(UserEntity.RosterItemSet::new)
                .orElseGet(() -> new UserEntity.RosterItemRemoved(o.contact())));
        }
        Jid contact = o.contact();
        return Decision.persist(events, after -> {
            if (o.rosterChanged()) {
                RosterIq.push(sessions.values(), ((StateView) after).state().roster(), contact, o.item());
            }
            if (o.forward()) {
                forward.run();
            }
            for (Presence.Type t : o.toContact()) {
                router.route(Presence.of(user, contact, t));
            }
            if (o.sendPresenceToContact()) {
                for (LiveSession ls : sessions.values()) {
                    if (ls.available()) {
                        router.route(ls.presence.withFromTo(ls.jid, contact));
                    }
                }
            }
            if (o.sendUnavailableToContact()) {
                for (LiveSession ls : sessions.values()) {
                    if (ls.available()) {
                        router.route(Presence.of(ls.jid, contact, Presence.Type.UNAVAILABLE));
                    }
                }
            }
            last.run();
        });
    }

    Decision inbound(StateView s, Presence p) {
        if (p.type() == Presence.Type.PROBE) {
            answerProbe(s, p);
            return Decision.none();
        }
        if (p.type().isSubscription()) {
            return inboundSubscription(s, p);
        }
        // Availability and errors: to the bare JID every available resource, to a full JID that one.
        if (p.to() instanceof FullJid full) {
            LiveSession target = sessions.get(full.resource());
            if (target != null) {
                target.tell(new SessionMessage.Deliver(p));
            }
            return Decision.none();
        }
        for (LiveSession ls : Delivery.available(sessions.values())) {
            ls.tell(new SessionMessage.Deliver(p));
        }
        return Decision.none();
    }

    /** RFC 6121 §4.3.2: a contact's server asks for the user's presence. */
    private void answerProbe(StateView s, Presence probe) {
        if (probe.from() == null) {
            return;
        }
        Jid asker = probe.from().bare();
        boolean allowed = s.state().roster().get(asker).map(i -> i.subscription().hasFrom()).orElse(false);
        if (!allowed) {
            router.route(Presence.of(user, asker, Presence.Type.UNSUBSCRIBED));
            return;
        }
        boolean any = false;
        for (LiveSession ls : sessions.values()) {
            if (ls.available()) {
                any = true;
                router.route(ls.presence.withFromTo(ls.jid, probe.from()));
            }
        }
        if (!any) {
            router.route(Presence.of(user, probe.from(), Presence.Type.UNAVAILABLE));
        }
    }

    private Decision inboundSubscription(StateView s, Presence p) {
        if (p.from() == null) {
            return Decision.none();
        }
        Jid contact = p.from().bare();
        RosterOutcome o = SubscriptionLogic.inbound(user, s.state().roster(), limits, p.type(), contact);
        Presence delivered = p.withFromTo(contact, user);
        return apply(o, () -> {
            // A subscribe goes to the available resources (or waits as pending-in); the answers go to
            // the resources that hold the roster.
            for (LiveSession ls : sessions.values()) {
                boolean target = p.type() == Presence.Type.SUBSCRIBE ? ls.available() : ls.interested || ls.available();
                if (target) {
                    ls.tell(new SessionMessage.Deliver(delivered));
                }
            }
        });
    }

    /** Account removal: each contact loses both directions of the subscription (RFC 6121 §2.5.2). */
    void unsubscribeBoth(RosterItem item) {
        for (Presence.Type t : SubscriptionLogic.removal(item).toContact()) {
            router.route(Presence.of(user, item.jid(), t));
        }
    }
}
