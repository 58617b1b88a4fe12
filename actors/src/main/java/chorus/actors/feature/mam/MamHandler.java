package chorus.actors.feature.mam;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.List;
import java.util.Set;

/**
 * XEP-0313 at an account: the archiving preferences (XEP-0441) and the query form. Queries themselves
 * read the archive store and are run by the account's entity ({@link #isQuery}). Only the owner may do
 * any of it; to others an archive does not exist (service-unavailable, as for an unknown account).
 */
public final class MamHandler implements IqHandler {
    public static final String NS = "urn:xmpp:mam:2";

    private final MamPrefs.Mode defaultMode;

    public MamHandler(MamPrefs.Mode defaultMode) {
        this.defaultMode = defaultMode;
    }

    /** A query to run (type set); a get asks for the form. */
    public static boolean isQuery(Iq iq) {
        return iq.type() == Iq.Type.SET && iq.payloadIs(NS, "query");
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.isRequest() && (iq.payloadIs(NS, "prefs") || iq.payloadIs(NS, "query"));
    }

    /** The preferences in force: the user's, or the server's default. */
    public MamPrefs prefsOf(MamPrefs stored) {
        return stored != null ? stored : MamPrefs.of(defaultMode);
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        if (ctx.addressedToServer() || ctx.relation() != IqContext.Relation.SELF || isQuery(iq)) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.SERVICE_UNAVAILABLE)));
        }
        if (iq.payloadIs(NS, "query")) {
            return IqResult.reply(iq.result(Element.build("query", NS).child(form()).get()));
        }
        if (iq.type() == Iq.Type.GET) {
            return IqResult.reply(iq.result(prefsOf(ctx.data().slice(ArchivePrefs.KEY).prefs()).toElement()));
        }
        MamPrefs prefs;
        try {
            prefs = MamPrefs.parse(iq.payload().orElseThrow());
        } catch (IllegalArgumentException e) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.BAD_REQUEST, e.getMessage())));
        }
        // XEP-0441 §3: the answer holds the preferences now in force.
        return new IqResult.PersistThenReply(List.of(new MamPrefsSet(prefs)), iq.result(prefs.toElement()));
    }

    /** XEP-0313 §5: the fields a query may fill in. */
    public static Element form() {
        return DataForm.build("form", NS)
            .field("with", "jid-single", null, null)
            .field("start", "text-single", null, null)
            .field("end", "text-single", null, null)
            .field("after-id", "text-single", null, null)
            .field("before-id", "text-single", null, null)
            .get();
    }
}
