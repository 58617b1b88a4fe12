package chorus.node.sasl;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import rocks.xmpp.precis.PrecisProfiles;

/** The identities a SASL exchange names: the username it authenticates and the authzid it may ask for. */
final class Identities {
    /** RFC 7622 §3.3.1: characters a localpart must not contain, beyond what UsernameCaseMapped disallows. */
    private static final String DISALLOWED_IN_LOCALPART = "\"&'/:<>@";

    private Identities() {
    }

    /**
     * The account a SASL username names. RFC 6120 §6.3.8: the simple user name is the localpart of the account's
     * JID; it is prepared as RFC 7622 §3.3 prepares a localpart (PRECIS UsernameCaseMapped, the successor of the
     * SASLprep that RFC 4616 and RFC 5802 name).
     *
     * @throws JidMalformedException if no account can have this name
     */
    static BareJid account(String username, DomainJid domain) {
        String prepared;
        try {
            prepared = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(username);
        } catch (IllegalArgumentException e) {
            throw new JidMalformedException("not a username");
        }
        for (int i = 0; i < prepared.length(); i++) {
            if (DISALLOWED_IN_LOCALPART.indexOf(prepared.charAt(i)) >= 0) {
                throw new JidMalformedException("not a username");
            }
        }
        return new BareJid(prepared, domain.domain());
    }

    /**
     * RFC 6120 §6.3.8: a client that does not act for another entity sends no authzid; Chorus lets nobody act for
     * another account, so an authzid is accepted only if it names the authenticated account itself, as its bare
     * JID or as its username.
     */
    static boolean authzidPermits(String authzid, BareJid account) {
        if (authzid == null || authzid.isEmpty()) {
            return true;
        }
        if (authzid.indexOf('@') < 0 && authzid.indexOf('/') < 0) {
            try {
                return account(authzid, new DomainJid(account.domain())).equals(account);
            } catch (JidMalformedException e) {
                return false;
            }
        }
        return account.equals(Jid.parseOrNull(authzid));
    }
}
