package chorus.actors.router;

import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.Features;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The one place that decides where a stanza goes ({@link #destinationOf}), for every door: client sessions of any
 * transport, the user entities, the services, and later server-to-server streams and components. By its 'to': an
 * account of this domain goes to that account's entity (wherever sharding placed it), the domain itself is
 * answered here, a service of the server ({@code conference.DOMAIN}, {@code upload.DOMAIN}, components) gets what
 * is addressed to it, and another domain goes to the server-to-server side ({@link Remotes}: the entity of that
 * pair of domains), or, without federation, back to the sender as remote-server-not-found (RFC 6120 §10.4.3).
 *
 * <p>What a client sends passes its own account first where RFC 6121 wants the sender's server to process it
 * ({@link #fromClient}): its presence, its IQs to itself, and (for the features that keep or copy sent messages)
 * a copy of its messages.
 */
public final class Router implements StanzaRouter {

    /** Where a stanza addressed to an address goes. */
    public sealed interface Destination {
        /** An account of this domain, or one of its resources: that account's entity. */
        record Account(BareJid account) implements Destination {
        }

        /** The domain itself (RFC 6120 §10.3.3): answered by the server's features. */
        record Server() implements Destination {
        }

        /** A service of this server at its own domain, or an address of it. */
        record Service(String domain) implements Destination {
        }

        /** Another XMPP domain. */
        record Remote(String domain) implements Destination {
        }
    }

    /** The accounts' entities, as the router reaches them (cluster sharding in a node). */
    public interface Accounts {
        /** A stanza to the account or one of its resources. */
        void deliver(BareJid account, Stanza stanza);

        /**
         * A message (or an IQ between accounts) the entity acknowledges to {@code ackTo} with {@code seq} once it is
         * settled (end to end): a message delivered, stored or bounced; an IQ taken.
         */
        void deliverAcknowledged(BareJid account, Stanza stanza, ActorRef<SessionMessage> ackTo, long seq);

        /**
         * As {@link #deliverAcknowledged(BareJid, Stanza, ActorRef, long)}; {@code direct}: it may skip the way every
         * other stanza to the account takes (a node's own entities), because nothing the sender sent to that account
         * still waits for acceptance (RFC 6120 §10.1: a shorter way must not overtake a message on the longer one).
         */
        default void deliverAcknowledged(BareJid account, Stanza stanza, ActorRef<SessionMessage> ackTo, long seq,
                                         boolean direct) {
            deliverAcknowledged(account, stanza, ackTo, seq);
        }

        /** A stanza one of the account's own sessions sent, for the account to process (RFC 6121 outbound). */
        void fromOwnSession(BareJid account, Stanza stanza);

        /** A copy of a message one of the account's sessions sent to someone else. */
        void sent(BareJid account, Message message);
    }

    /** The other servers, as the router reaches them (a sharded entity per pair of domains in a node). */
    public interface Remotes {
        /** A stanza to another domain, fire and forget. */
        void send(Stanza stanza);

        /** A message to another domain, acknowledged to {@code ackTo} with {@code seq} once the peer has it. */
        void sendAcknowledged(Message message, ActorRef<SessionMessage> ackTo, long seq);

        /** An answer from another server that the server-to-server side asked for itself; true when it took it. */
        boolean answered(Iq answer);
    }

    private final DomainJid domain;
    private final Accounts accounts;
    private final Remotes remotes;
    private final Features serverFeatures;
    private final Predicate<Message> sentCopies;
    private final Clock clock;
    private final DeliveryFailures failures;
    private final Map<String, Consumer<Stanza>> services = new ConcurrentHashMap<>();
    /** Requests to the domain itself that a service answers in its stead (see {@link #answerAtDomain}). */
    private final java.util.List<Map.Entry<Predicate<Iq>, Consumer<Stanza>>> atDomain =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param remotes    the other servers; null without federation
     * @param sentCopies which messages a client sends its own account wants a copy of (its features say)
     */
    public Router(DomainJid domain, Accounts accounts, Remotes remotes, Features serverFeatures,
                  Predicate<Message> sentCopies, Clock clock, DeliveryFailures failures) {
        this.domain = domain;
        this.accounts = accounts;
        this.remotes = remotes;
        this.serverFeatures = serverFeatures;
        this.sentCopies = sentCopies;
        this.clock = clock;
        this.failures = failures;
    }

    public DomainJid domain() {
        return domain;
    }

    /**
     * Hands everything addressed to this domain (a service of the server such as the chat service,
     * {@code conference.example.org}) and to its addresses to {@code service}.
     */
    public void addService(String serviceDomain, Consumer<Stanza> service) {
        services.put(serviceDomain, service);
    }

    /**
     * Hands the IQ requests to the domain itself that {@code owns} takes to {@code service}, which answers them as
     * the domain: the pubsub service, because the server shows pubsub features for its accounts' PEP and Smack's
     * service discovery then takes the domain itself for the pubsub service (as on Openfire).
     */
    public void answerAtDomain(Predicate<Iq> owns, Consumer<Stanza> service) {
        atDomain.add(Map.entry(owns, service));
    }

    /** Whether this server answers for {@code domain}: the served domain or one of its services (components too). */
    public boolean hosts(String someDomain) {
        return someDomain.equals(domain.domain()) || services.containsKey(someDomain);
    }

    /** The decision: where a stanza to this address goes. */
    public Destination destinationOf(Jid to) {
        if (services.containsKey(to.domain())) {
            return new Destination.Service(to.domain());
        }
        if (!to.domain().equals(domain.domain())) {
            return new Destination.Remote(to.domain());
        }
        if (to.local() == null) {
            return new Destination.Server();
        }
        return new Destination.Account((BareJid) to.bare());
    }

    @Override
    public void route(Stanza stanza) {
        Jid to = stanza.to();
        if (to == null) {
            throw new IllegalArgumentException("a routed stanza needs a 'to'");
        }
        if (remotes != null && stanza instanceof Iq iq && !iq.isRequest() && answerFromAnotherServer(iq)
            && remotes.answered(iq)) {
            return;
        }
        Destination d = destinationOf(to);
        if (d instanceof Destination.Account a) {
            accounts.deliver(a.account(), stanza);
        } else if (d instanceof Destination.Server) {
            toServer(stanza);
        } else if (d instanceof Destination.Service s) {
            services.get(s.domain()).accept(stanza);
        } else if (remotes != null && relayable(stanza)) {
            remotes.send(stanza);
        } else {
            bounce(stanza, StanzaError.Condition.REMOTE_SERVER_NOT_FOUND);
        }
    }

    /** An IQ answer another server sent to one of this server's domains (not one this server sends out). */
    private boolean answerFromAnotherServer(Iq iq) {
        return iq.from() != null && iq.to() != null && hosts(iq.to().domain()) && !hosts(iq.from().domain());
    }

    /**
     * Only stanzas of this server's own domains go to other servers: no relay from one server to another (a peer
     * authenticated only its own domains, RFC 6120 §13.6).
     */
    private boolean relayable(Stanza stanza) {
        return stanza.from() == null || hosts(stanza.from().domain());
    }

    /**
     * A stanza one of this server's clients sent, its 'from' stamped by its session (a full JID). Presence and IQs
     * to the client's own account (or to no one) go to that account's entity, which processes them on the
     * client's behalf (RFC 6121 §4, §8.5.2.1.3); everything else goes by its 'to'. Messages go through
     * {@link #fromClient(Message, ActorRef, long)}.
     */
    public void fromClient(Stanza stanza) {
        BareJid sender = (BareJid) stanza.from().bare();
        Jid to = stanza.to();
        if (stanza instanceof Presence || stanza instanceof Iq && (to == null || to.equals(sender))) {
            accounts.fromOwnSession(sender, stanza);
        } else if (stanza instanceof Message m) {
            fromClient(m, null, 0);
        } else {
            route(stanza);
        }
    }

    /**
     * A message one of this server's clients sent. RFC 6120 §10.3.1: no 'to' means the sender's own bare JID. To
     * an account of this domain, or of another domain (once the peer's server has it), it is acknowledged end to end:
     * true when its recipient's entity (or the entity of that domain's stream) will tell
     * {@code ackTo} it took {@code seq} (the session keeps it until then, and sends it again with
     * {@link #again}); anything else is routed and forgotten (false). The sender's account gets a copy when its
     * features want one (the archive keeps what its resources send).
     */
    public boolean fromClient(Message message, ActorRef<SessionMessage> ackTo, long seq) {
        return fromClient(message, ackTo, seq, true, false);
    }

    /**
     * As {@link #fromClient(Message, ActorRef, long)}; {@code copies}: whether the sender's account wants copies of
     * what its resources send at all, as its entity last told the session ({@link SessionMessage.SentCopies});
     * {@code direct}: nothing else the session sent to that account waits for acceptance (see
     * {@link Accounts#deliverAcknowledged(BareJid, Stanza, ActorRef, long, boolean)}).
     */
    public boolean fromClient(Message message, ActorRef<SessionMessage> ackTo, long seq, boolean copies,
                              boolean direct) {
        BareJid sender = (BareJid) message.from().bare();
        Message m = message.to() == null ? message.withTo(sender) : message;
        boolean acknowledged = false;
        Destination d = destinationOf(m.to());
        if (ackTo != null && d instanceof Destination.Account a) {
            accounts.deliverAcknowledged(a.account(), m, ackTo, seq, direct);
            acknowledged = true;
        } else if (ackTo != null && d instanceof Destination.Remote && remotes != null) {
            remotes.sendAcknowledged(m, ackTo, seq);
            acknowledged = true;
        } else {
            route(m);
        }
        if (copies && message.to() != null && !m.to().bare().equals(sender) && sentCopies.test(m)) {
            accounts.sent(sender, m);
        }
        return acknowledged;
    }

    /**
     * An IQ, request or answer, one of this server's clients sent to another account of this server or to one of its
     * resources (or to another resource of its own): acknowledged end to end as a message is, true when the
     * recipient's entity will tell {@code ackTo} it took {@code seq} (the session keeps it until then and sends it
     * again with {@link #again}: an entity whose node died starts again elsewhere and takes the copy, so the request
     * is answered and the answer arrives instead of neither, RFC 6120 §8.2.3). Anything else goes as
     * {@link #fromClient(Stanza)} says (false).
     */
    public boolean fromClient(Iq iq, ActorRef<SessionMessage> ackTo, long seq) {
        return fromClient(iq, ackTo, seq, false);
    }

    /** As {@link #fromClient(Iq, ActorRef, long)}; {@code direct} as for a message. */
    public boolean fromClient(Iq iq, ActorRef<SessionMessage> ackTo, long seq, boolean direct) {
        Jid to = iq.to();
        if (ackTo != null && to != null && !to.equals(iq.from().bare())
            && destinationOf(to) instanceof Destination.Account a) {
            accounts.deliverAcknowledged(a.account(), iq, ackTo, seq, direct);
            return true;
        }
        fromClient((Stanza) iq);
        return false;
    }

    /**
     * Sends again a message (or an IQ between accounts) its recipient's entity has not acknowledged yet (the entity
     * takes it once).
     */
    public void again(Stanza s, ActorRef<SessionMessage> ackTo, long seq) {
        Destination d = destinationOf(s.to());
        if (d instanceof Destination.Account a) {
            accounts.deliverAcknowledged(a.account(), s, ackTo, seq);
        } else if (d instanceof Destination.Remote && remotes != null && s instanceof Message m) {
            remotes.sendAcknowledged(m, ackTo, seq);
        }
    }

    /** Sends the error reply of a stanza back to its sender, unless it is itself an error. */
    public void bounce(Stanza stanza, StanzaError.Condition condition) {
        if (!stanza.isError()) {
            failures.record(stanza, condition);
        }
        Stanza reply = stanza.errorReply(StanzaError.of(condition));
        if (reply != null && reply.to() != null) {
            route(reply);
        }
    }

    /** The server's own answers (RFC 6120 §10.3.3): IQs through its features; messages and presence end here. */
    private void toServer(Stanza stanza) {
        if (stanza instanceof Iq iq) {
            if (!iq.isRequest()) {
                return;
            }
            for (Map.Entry<Predicate<Iq>, Consumer<Stanza>> a : atDomain) {
                if (a.getKey().test(iq)) {
                    a.getValue().accept(iq);
                    return;
                }
            }
            IqResult r = serverFeatures.dispatch(iq, IqContext.server(domain, clock));
            if (r instanceof IqResult.Reply reply && reply.reply().to() != null) {
                route(reply.reply());
            } else if (r instanceof IqResult.Later later) {
                later.reply().whenComplete((answer, failure) -> {
                    Iq settled = later.settle(answer, failure);
                    if (settled.to() != null) {
                        route(settled);
                    }
                });
            }
            return;
        }
        // RFC 6121 §8.5.1 / RFC 6120 §10.3.3: the server itself does not chat; a message gets
        // service-unavailable, presence to the server is simply not broadcast further.
        if (stanza instanceof Message && stanza.from() != null) {
            bounce(stanza, StanzaError.Condition.SERVICE_UNAVAILABLE);
        }
    }
}
