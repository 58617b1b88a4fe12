package chorus.actors.feature;

import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/** What the user entity lends a feature's part of one account: the account, a way out, its resources, time. */
public interface AccountContext {

    BareJid account();

    DomainJid domain();

    Clock clock();

    /** Sends a stanza on through the router (nothing when it has no 'to'). */
    void route(Stanza stanza);

    /** Sends the error reply of a stanza back to its sender and records the failure (never its body). */
    void bounce(Stanza stanza, StanzaError.Condition condition);

    /** The account's bound resources, in the order they bound. */
    Collection<? extends Resource> resources();

    /**
     * The resources RFC 6121 §8.5 hands this message to the account to, were it delivered now: none when it would
     * be stored, bounced or dropped (what a feature needs to reach the other resources, XEP-0280).
     */
    List<? extends Resource> recipients(Message message);

    DeliveryFailures failures();

    /**
     * Continues on the entity when the stage completes: {@code then} runs there with the value or the failure
     * and its decision is carried out like any other (the only way a feature waits for something).
     */
    <T> void pipe(CompletionStage<T> stage, BiFunction<T, Throwable, Decision> then);
}
