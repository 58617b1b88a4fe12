package chorus.actors.feature;

import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Jid;

import java.time.Clock;

/**
 * What a handler may know about the request: the server's domain, the clock, and for an IQ addressed
 * to an account, that account, its data and how the requester relates to it.
 *
 * @param account  the addressed account, or null when the IQ is addressed to the server itself
 * @param relation how the sender relates to the account (SELF, CONTACT with a presence subscription
 *                 from the account, or STRANGER); SELF for the server's own IQs from its users
 * @param data     the addressed account's data, or null when the IQ is addressed to the server
 */
public record IqContext(DomainJid domain, Clock clock, Jid account, Relation relation, AccountData data) {

    public enum Relation { SELF, CONTACT, STRANGER }

    public static IqContext server(DomainJid domain, Clock clock) {
        return new IqContext(domain, clock, null, Relation.SELF, null);
    }

    /** The context of a request to the account a feature works for. */
    public static IqContext of(AccountContext ctx, Requester requester, AccountData data) {
        return new IqContext(ctx.domain(), ctx.clock(), ctx.account(), requester.relation(), data);
    }

    public boolean addressedToServer() {
        return account == null;
    }
}
