package chorus.actors.feature.contact;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;

import java.util.List;
import java.util.Set;

/**
 * Puts the XEP-0157 form into the server's disco#info (XEP-0157 §2: the form rides on disco#info; there is no IQ of
 * its own, so this handler owns none and adds no feature).
 */
public final class ContactInfo implements IqHandler {
    private final List<Element> forms;

    public ContactInfo(ContactAddresses addresses) {
        this.forms = addresses.form().map(List::of).orElse(List.of());
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of();
    }

    @Override
    public List<Element> discoForms() {
        return forms;
    }

    @Override
    public boolean owns(Iq iq) {
        return false;
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        throw new IllegalStateException("ContactInfo answers no IQ");
    }
}
