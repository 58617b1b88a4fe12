package chorus.actors.feature.roster;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import chorus.actors.xmpp.StanzaException;

import java.util.List;
import java.util.Optional;

/** Answers roster gets and sets (RFC 6121 §2.2-2.6): state in, decision out; the user's entity persists and sends. */
public final class RosterHandler {

    private RosterHandler() {
    }

    /** What to do with a roster IQ. */
    public sealed interface Result {
        /** Send this error to the requester; nothing changed. */
        record Failed(Iq reply) implements Result {
        }

        /**
         * Send the roster (or, when the client's version is current, an empty result) and from now on push roster
         * changes to the requesting resource: it has become an interested resource (§2.1.6).
         */
        record Fetched(Iq reply) implements Result {
        }

        /** Carry out the outcome (persist, push to interested resources, send presence), then send the reply (§2.3.2). */
        record Changed(Iq reply, RosterOutcome outcome) implements Result {
        }
    }

    /** A roster get or set: a {@code <query xmlns='jabber:iq:roster'/>} request. */
    public static boolean owns(Iq iq) {
        return iq.isRequest() && iq.payloadIs(RosterXml.NS, "query");
    }

    /** Handles a roster request from one of {@code owner}'s resources. */
    public static Result handle(Iq iq, BareJid owner, Roster roster, RosterLimits limits) {
        // §2.3.3: only the account itself may read or change its roster.
        if (iq.from() == null || !owner.equals(iq.from().bare())) {
            return new Result.Failed(iq.error(StanzaError.of(Condition.FORBIDDEN)));
        }
        Element query = iq.payload().orElseThrow();
        if (iq.type() == Iq.Type.GET) {
            return new Result.Fetched(fetch(iq, roster));
        }
        try {
            RosterOutcome outcome = apply(roster, RosterSet.parse(query, owner, limits), limits);
            return new Result.Changed(iq.result(), outcome);
        } catch (StanzaException e) {
            return new Result.Failed(iq.error(e.error()));
        }
    }

    /**
     * The answer to a roster get (§2.1.3): the whole roster with its version, or an empty result when the client
     * already holds the current version (§2.6.3).
     */
    public static Iq fetch(Iq get, Roster roster) {
        String clientVersion = get.payload().map(q -> q.attr("ver")).orElse(null);
        if (roster.version().equals(clientVersion)) {
            return get.result();
        }
        return get.result(RosterXml.query(roster));
    }

    /**
     * What a parsed roster set does to the roster. Hidden items count as absent. {@link StanzaException}: removing a
     * contact that is not there is item-not-found (§2.5.3); adding one to a full roster is not-allowed.
     */
    public static RosterOutcome apply(Roster roster, RosterSet set, RosterLimits limits) {
        Jid jid = set.jid();
        Optional<RosterItem> current = roster.get(jid).filter(i -> !i.hidden());
        if (set instanceof RosterSet.Remove) {
            return SubscriptionLogic.removal(current.orElseThrow(
                () -> new StanzaException(Condition.ITEM_NOT_FOUND, "no such contact")));
        }
        RosterSet.Update update = (RosterSet.Update) set;
        if (current.isEmpty() && roster.size() >= limits.maxItems()) {
            throw new StanzaException(Condition.NOT_ALLOWED, "roster is full");
        }
        // §2.3.2: a set changes name and groups only; subscription state, pending requests included, stays.
        RosterItem before = roster.get(jid).orElse(null);
        RosterItem after = (before == null ? RosterItem.of(jid) : before.shown())
            .withName(update.name()).withGroups(update.groups());
        return RosterOutcome.change(jid, before, after, false, List.of(), false, false);
    }
}
