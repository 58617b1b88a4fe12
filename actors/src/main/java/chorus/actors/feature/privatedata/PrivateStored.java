package chorus.actors.feature.privatedata;

import chorus.actors.feature.AccountEvent;
import chorus.actors.xmpp.Element;

/** The user stored this element under this key ({@link chorus.actors.feature.AccountView#privateKey}). */
public record PrivateStored(String key, Element data) implements AccountEvent {
    @Override
    public String toString() {
        return "PrivateStored[" + key + "]";
    }
}
