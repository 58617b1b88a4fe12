package chorus.actors.feature.admin;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Jid;

import java.util.concurrent.CompletionStage;

/**
 * What the admin commands do, as the node provides it: accounts through their entities (passwords become SCRAM keys
 * there, off the actor threads, and are not kept), and the sessions of every node of the cluster. A password that
 * cannot be one (empty, not a PRECIS OpaqueString) fails the stage with IllegalArgumentException.
 */
public interface ServerAdmin {

    /** What became of a change to an account. */
    enum Result { DONE, EXISTS, NO_SUCH_ACCOUNT }

    CompletionStage<Result> addUser(BareJid account, String password);

    /** Removes the account with all its data; its sessions end. */
    CompletionStage<Result> deleteUser(BareJid account);

    CompletionStage<Result> changePassword(BareJid account, String password);

    /** The accounts of the domain (the account directory). */
    CompletionStage<Integer> registeredUsers();

    /** The accounts with at least one bound resource on any node, each counted once. */
    CompletionStage<Integer> onlineUsers();

    /** A headline from the domain to every bound resource of the domain on every node; how many it reached. */
    CompletionStage<Integer> announce(String subject, String body);

    /** Ends the sessions of an account (a bare JID) or one resource (a full JID); how many ended. */
    CompletionStage<Integer> endSessions(Jid account);
}
