package chorus.actors.feature.pep;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.List;

/**
 * A refused pubsub request: a stanza error with, where XEP-0060 names one, its application-specific condition in
 * the pubsub#errors namespace ({@code <payload-too-big/>}, {@code <unsupported feature='...'/>}). The pubsub
 * service ({@code chorus.actors.pubsub}) refuses with the same.
 */
public final class PepError extends RuntimeException {
    public static final String ERRORS = PepHandler.NS + "#errors";

    final Condition condition;
    final String app;
    final String feature;

    private PepError(Condition condition, String app, String feature, String text) {
        super(text, null, false, false);
        this.condition = condition;
        this.app = app;
        this.feature = feature;
    }

    public static PepError of(Condition condition) {
        return new PepError(condition, null, null, null);
    }

    public static PepError of(Condition condition, String app) {
        return new PepError(condition, app, null, null);
    }

    public static PepError of(Condition condition, String app, String text) {
        return new PepError(condition, app, null, text);
    }

    /** XEP-0060 §7.1.3 and elsewhere: feature-not-implemented with the feature that is missing. */
    public static PepError unsupported(String feature) {
        return new PepError(Condition.FEATURE_NOT_IMPLEMENTED, "unsupported", feature, null);
    }

    /**
     * The error reply, without the request's payload (RFC 6120 §8.3.1 makes it optional, and a published item may
     * be large).
     */
    public Iq reply(Iq request) {
        StanzaError error = StanzaError.of(condition, getMessage());
        if (app != null) {
            error = error.withApplication(Element.build(app, ERRORS).attr("feature", feature).get());
        }
        return new Iq(request.to(), request.from(), request.id(), Iq.Type.ERROR, request.lang(), List.of(error.toElement()));
    }
}
