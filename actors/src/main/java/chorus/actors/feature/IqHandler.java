package chorus.actors.feature;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;

import java.util.List;
import java.util.Set;

/** A feature answers the IQs it owns and lists what it adds to disco#info. */
public interface IqHandler {

    /** The disco#info features this handler adds (XEP-0030). */
    Set<String> discoFeatures();

    /**
     * Extended information forms (XEP-0128) this handler adds to the server's disco#info, each with its own
     * FORM_TYPE (XEP-0157 contact addresses, for one). None unless a handler says otherwise.
     */
    default List<Element> discoForms() {
        return List.of();
    }

    boolean owns(Iq iq);

    IqResult handle(Iq iq, IqContext ctx);
}
