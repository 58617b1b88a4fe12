package chorus.actors.feature.time;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/** XEP-0202: the server's time in UTC (XEP-0082 format); the server keeps no time zone of its own. */
public final class TimeHandler implements IqHandler {
    public static final String NS = "urn:xmpp:time";

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.payloadIs(NS, "time");
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        if (!ctx.addressedToServer()) {
            return IqResult.reply(iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE)));
        }
        if (iq.type() != Iq.Type.GET) {
            return IqResult.reply(iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST)));
        }
        Instant now = ctx.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        Element time = Element.build("time", NS)
            .textChild("tzo", NS, "+00:00")
            .textChild("utc", NS, DateTimeFormatter.ISO_INSTANT.format(now.atOffset(ZoneOffset.UTC)))
            .get();
        return IqResult.reply(iq.result(time));
    }
}
