package chorus.persistence.invites;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Open invitations, keyed by the hash of their token. An invite is gone when it expires (its row's TTL), when it is
 * taken (single use: of two takes of one token, exactly one gets it, on whatever node they run) and when its
 * inviter's account is erased.
 */
public interface InviteStore {

    /** Keeps an invite until its {@code expiresAt}. */
    CompletionStage<Void> put(StoredInvite invite);

    /** The invite of this token hash, if it is open and not expired; it stays open. */
    CompletionStage<Optional<StoredInvite>> find(String tokenHash);

    /** Takes the invite for good: empty when there is none, it expired, or another take got it first. */
    CompletionStage<Optional<StoredInvite>> take(String tokenHash);

    /** How many open invites this user made. */
    CompletionStage<Integer> openBy(String inviter);

    /** The user's account is removed: every invite it made goes. */
    CompletionStage<Void> eraseInviter(String inviter);
}
