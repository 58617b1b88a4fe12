package chorus.actors.feature;

import chorus.actors.xmpp.Jid;

/**
 * Who sent a request to the account: its address, how it relates to the account, and when it is one of the
 * account's own bound resources, that resource (the answer may go straight to it).
 *
 * @param session the account's own resource that sent the request, or null
 */
public record Requester(Jid from, IqContext.Relation relation, Resource session) {

    /** The account itself, through one of its bound resources. */
    public static Requester own(Resource session) {
        return new Requester(session.jid(), IqContext.Relation.SELF, session);
    }

    public boolean ownSession() {
        return relation == IqContext.Relation.SELF && session != null;
    }
}
