package chorus.actors.router;

import chorus.actors.xmpp.Stanza;

/** Sends a stanza on towards its 'to' address. Entities use it for everything they send to others. */
@FunctionalInterface
public interface StanzaRouter {
    void route(Stanza stanza);
}
