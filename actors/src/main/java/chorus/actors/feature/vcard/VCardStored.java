package chorus.actors.feature.vcard;

import chorus.actors.feature.AccountEvent;
import chorus.actors.xmpp.Element;

/** The user stored this vCard (an empty {@code <vCard/>} clears it). */
public record VCardStored(Element vcard) implements AccountEvent {
    /** A vCard is personal data: print nothing of it. */
    @Override
    public String toString() {
        return "VCardStored";
    }
}
