package chorus.actors.feature.last;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * XEP-0012 Last Activity (section numbers of XEP-0012 2.0). To an account (§3): how long ago its last resource
 * went offline, 0 while one is online, for those who may see its presence only. To the server (§5): its uptime.
 *
 * <p>An account that has never gone offline since it was created (no time recorded) gets item-not-found: there
 * is no last activity to tell, and answering 0 would claim that the user is online.
 */
public final class LastActivityHandler implements IqHandler {
    public static final String NS = "jabber:iq:last";

    private final Instant startedAt;

    /** {@code startedAt}: when this server (node) started, for the uptime it reports. */
    public LastActivityHandler(Instant startedAt) {
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.isRequest() && iq.payloadIs(NS, "query");
    }

    /**
     * §3, §4, §8: whether this requester may learn the account's last activity, or have a last-activity query
     * delivered to one of its resources: only the user and those with a subscription to its presence. The entity
     * answers others forbidden instead of delivering a query to a full JID (§4).
     */
    public static boolean authorized(IqContext.Relation relation) {
        return relation == IqContext.Relation.SELF || relation == IqContext.Relation.CONTACT;
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        // The protocol defines only the get.
        if (iq.type() != Iq.Type.GET) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.BAD_REQUEST)));
        }
        Instant now = ctx.clock().instant();
        if (ctx.addressedToServer()) {
            // §5: the seconds since the server was (re)started; no character data.
            return IqResult.reply(iq.result(query(seconds(startedAt, now))));
        }
        // §3 MUST: forbidden to anyone not authorized to see the user's presence; §8: else a presence leak.
        if (!authorized(ctx.relation())) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.FORBIDDEN)));
        }
        // §3: with a resource online, the answer MUST be an empty query with seconds 0.
        if (ctx.data().online()) {
            return IqResult.reply(iq.result(query(0)));
        }
        Instant lastSeen = ctx.data().slice(LastSeen.KEY).at();
        if (lastSeen == null) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.ITEM_NOT_FOUND, "no recorded activity")));
        }
        // §3: the seconds since the user last logged out. The status text of that moment (MAY) is not kept.
        return IqResult.reply(iq.result(query(seconds(lastSeen, now))));
    }

    private static Element query(long seconds) {
        return Element.build("query", NS).attr("seconds", Long.toString(seconds)).get();
    }

    /** Whole seconds from {@code from} to {@code to}; never negative, even if clocks of two nodes disagree. */
    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).getSeconds());
    }
}
