package chorus.actors.diagnostics;

import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

/** Told about every stanza the server could not deliver and answered with an error. */
@FunctionalInterface
public interface DeliveryFailures {
    DeliveryFailures NONE = (stanza, condition) -> { };

    void record(Stanza undelivered, StanzaError.Condition condition);
}
