package chorus.actors.router;

import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.Features;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Routes a stanza by its 'to': an account of this domain goes to that account's entity (wherever
 * sharding placed it); the domain itself is answered here; another domain goes to the server-to-server
 * side, or, while there is none, back to the sender as remote-server-not-found (RFC 6120 §10.4.3).
 */
public final class Router implements StanzaRouter {
    private final DomainJid domain;
    private final BiConsumer<String, Stanza> toAccount;
    private final Consumer<Stanza> toRemote;
    private final Features serverFeatures;
    private final Clock clock;
    private final DeliveryFailures failures;
    private final Map<String, Consumer<Stanza>> services = new ConcurrentHashMap<>();

    /**
     * @param toAccount sends a stanza to the entity of the bare JID given as its first argument
     * @param toRemote  sends a stanza to another domain; null while federation is not available
     */
    public Router(DomainJid domain, BiConsumer<String, Stanza> toAccount, Consumer<Stanza> toRemote,
                  Features serverFeatures, Clock clock, DeliveryFailures failures) {
        this.failures = failures;
        this.domain = domain;
        this.toAccount = toAccount;
        this.toRemote = toRemote;
        this.serverFeatures = serverFeatures;
        this.clock = clock;
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

    public boolean isLocal(Jid jid) {
        return jid.domain().equals(domain.domain());
    }

    @Override
    public void route(Stanza stanza) {
        Jid to = stanza.to();
        if (to == null) {
            throw new IllegalArgumentException("a routed stanza needs a 'to'");
        }
        Consumer<Stanza> service = services.get(to.domain());
        if (service != null) {
            service.accept(stanza);
            return;
        }
        if (!isLocal(to)) {
            if (toRemote != null) {
                toRemote.accept(stanza);
            } else {
                bounce(stanza, StanzaError.Condition.REMOTE_SERVER_NOT_FOUND);
            }
            return;
        }
        if (to.local() == null) {
            toServer(stanza);
            return;
        }
        toAccount.accept(to.bare().toString(), stanza);
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
    public void toServer(Stanza stanza) {
        if (stanza instanceof Iq iq) {
            if (!iq.isRequest()) {
                return;
            }
            IqResult r = serverFeatures.dispatch(iq, IqContext.server(domain, clock));
            if (r instanceof IqResult.Reply reply && reply.reply().to() != null) {
                route(reply.reply());
            }
            return;
        }
        // RFC 6121 §8.5.1 / RFC 6120 §10.3.3: the server itself does not chat; a message gets
        // service-unavailable, presence to the server is simply not broadcast further.
        if (stanza instanceof chorus.actors.xmpp.Message && stanza.from() != null) {
            bounce(stanza, StanzaError.Condition.SERVICE_UNAVAILABLE);
        }
    }

    public Features serverFeatures() {
        return serverFeatures;
    }
}
