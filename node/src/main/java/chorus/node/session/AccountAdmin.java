package chorus.node.session;

import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;

import java.util.concurrent.CompletionStage;

/**
 * What a stream may ask of the node's accounts (XEP-0077): create one, change its password, remove it. Passwords
 * go straight into SCRAM derivation; nothing keeps them.
 */
public interface AccountAdmin {

    CompletionStage<UserEntity.AccountReply> create(BareJid account, String password);

    CompletionStage<UserEntity.AccountReply> changePassword(BareJid account, String password);

    CompletionStage<UserEntity.AccountReply> remove(BareJid account);

    /**
     * XEP-0379 through an invitation (XEP-0401 §3): each account gets the other in its roster with subscription
     * {@code both}, as if both had asked and approved.
     */
    default CompletionStage<Void> subscribeMutually(BareJid a, BareJid b) {
        return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException("no rosters here"));
    }
}
