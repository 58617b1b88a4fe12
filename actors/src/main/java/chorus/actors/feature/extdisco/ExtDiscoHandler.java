package chorus.actors.feature.extdisco;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * XEP-0215 at the server: {@code <services/>} lists the configured STUN/TURN servers (all, or those of the asked
 * {@code type}, §3.1-3.2); {@code <credentials/>} answers for one server named by host and type (and port, if given;
 * §3.3). A TURN server with a shared secret is listed as restricted, with a fresh username, password and
 * {@code expires} (the TURN REST API convention, {@link TurnSecret}), in both answers, as clients such as Conversations
 * take them from the list. Only the server's own signed-in users are answered: anyone else, a user of another server
 * included, gets forbidden (the relays are this server's users' to use).
 */
public final class ExtDiscoHandler implements IqHandler {
    public static final String NS = "urn:xmpp:extdisco:2";

    private final ExtDiscoSettings settings;

    public ExtDiscoHandler(ExtDiscoSettings settings) {
        this.settings = settings;
    }

    @Override
    public Set<String> discoFeatures() {
        return settings.offered() ? Set.of(NS) : Set.of();
    }

    @Override
    public boolean owns(Iq iq) {
        return settings.offered() && (iq.payloadIs(NS, "services") || iq.payloadIs(NS, "credentials"));
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        if (iq.type() != Iq.Type.GET) {
            return error(iq, StanzaError.Condition.BAD_REQUEST);
        }
        Jid from = iq.from();
        // The router stamps a local client's from; another server's stanzas carry that server's domain.
        if (from == null || from.local() == null || !from.domain().equals(ctx.domain().domain())) {
            return error(iq, StanzaError.Condition.FORBIDDEN);
        }
        String account = from.bare().toString();
        Instant expires = ctx.clock().instant().plus(settings.credentialLifetime());
        Element query = iq.payload().orElseThrow();
        if (query.name().equals("services")) {
            String type = query.attr("type");
            Element.Builder out = Element.build("services", NS).attr("type", type);
            for (ExternalService s : settings.services()) {
                if (type == null || type.equals(s.type())) {
                    out.child(describe(s, account, expires));
                }
            }
            return IqResult.reply(iq.result(out.get()));
        }
        List<Element> asked = query.elements("service", NS);
        if (asked.size() != 1 || asked.get(0).attr("host") == null || asked.get(0).attr("type") == null) {
            return error(iq, StanzaError.Condition.BAD_REQUEST);
        }
        Element want = asked.get(0);
        for (ExternalService s : settings.services()) {
            if (s.host().equals(want.attr("host")) && s.type().equals(want.attr("type"))
                && (want.attr("port") == null || want.attr("port").equals(Integer.toString(s.port())))) {
                return IqResult.reply(iq.result(Element.build("credentials", NS)
                    .child(describe(s, account, expires)).get()));
            }
        }
        return error(iq, StanzaError.Condition.ITEM_NOT_FOUND);
    }

    /** XEP-0215 §2: one {@code <service/>}, with credentials for this account if the server is restricted. */
    static Element describe(ExternalService s, String account, Instant expires) {
        Element.Builder e = Element.build("service", NS).attr("type", s.type()).attr("host", s.host())
            .attr("port", Integer.toString(s.port())).attr("transport", s.transport()).attr("name", s.name());
        s.secret().ifPresent(secret -> {
            TurnCredentials c = secret.credentials(secret.pseudonym(account), expires);
            e.attr("restricted", "1").attr("username", c.username()).attr("password", c.password())
                .attr("expires", c.expires().toString());
        });
        return e.get();
    }

    private static IqResult error(Iq iq, StanzaError.Condition condition) {
        return IqResult.reply(iq.error(StanzaError.of(condition)));
    }
}
