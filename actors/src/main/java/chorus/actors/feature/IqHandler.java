package chorus.actors.feature;

import chorus.actors.xmpp.Iq;

import java.util.Set;

/** A feature answers the IQs it owns and lists what it adds to disco#info. */
public interface IqHandler {

    /** The disco#info features this handler adds (XEP-0030). */
    Set<String> discoFeatures();

    boolean owns(Iq iq);

    IqResult handle(Iq iq, IqContext ctx);
}
