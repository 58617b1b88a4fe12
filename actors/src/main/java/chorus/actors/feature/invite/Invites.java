package chorus.actors.feature.invite;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.persistence.invites.InviteStore;
import chorus.persistence.invites.StoredInvite;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Makes and redeems invitations, cluster-wide through the {@link InviteStore}. A token is 128 random bits (base64url);
 * only its SHA-256 is stored, so neither the store nor a backup of it can be used to register. A token is checked
 * first (XEP-0445 §3: it is not used up until the registration succeeded), then taken for good when the account is
 * created, and given back when that fails.
 */
public final class Invites {
    /** Tokens this server makes are 22 characters; anything else of this alphabet and length is checked too. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** An invite was refused: the text says why, for the requester. */
    public static final class Refused extends RuntimeException {
        public Refused(String text) {
            super(text, null, false, false);
        }
    }

    private final InviteSettings settings;
    private final InviteStore store;
    private final DomainJid domain;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Invites(InviteSettings settings, InviteStore store, DomainJid domain, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.domain = domain;
        this.clock = clock;
    }

    public InviteSettings settings() {
        return settings;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** An account invite (an admin's: no inviter, no cap). */
    public CompletionStage<Invite> account() {
        return make(Invite.Kind.ACCOUNT, null);
    }

    /**
     * A user's invite: the invitee may register and becomes the inviter's mutual contact. Refused when users may not
     * invite or the user has {@code max-per-user} open invites.
     */
    public CompletionStage<Invite> user(BareJid inviter) {
        if (!settings.userInvites()) {
            return CompletableFuture.failedFuture(new Refused("users may not invite others to this server"));
        }
        return store.openBy(inviter.toString()).thenCompose(open -> open >= settings.maxPerUser()
            ? CompletableFuture.failedFuture(new Refused("you have " + open + " open invitations, the most allowed"))
            : make(Invite.Kind.USER, inviter));
    }

    /** An invite for {@code inviter} made by an admin: the same as a user's, without the setting and the cap. */
    public CompletionStage<Invite> userByAdmin(BareJid inviter) {
        return make(Invite.Kind.USER, inviter);
    }

    private CompletionStage<Invite> make(Invite.Kind kind, BareJid inviter) {
        if (!settings.enabled()) {
            return CompletableFuture.failedFuture(new Refused("invitations are off on this server"));
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Instant until = now.plus(settings.expireAfter());
        StoredInvite stored = new StoredInvite(hash(token), kind.stored(), inviter == null ? null : inviter.toString(),
            now, until);
        return store.put(stored).thenApply(v -> new Invite(token, kind, inviter, domain, until));
    }

    /** The open invite of this token, still open afterwards (XEP-0445 §3): empty when unknown, used or expired. */
    public CompletionStage<Optional<Held>> check(String token) {
        if (!settings.enabled() || token == null || !TOKEN.matcher(token).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.find(hash(token)).thenApply(found -> found.map(Held::new));
    }

    /** Takes the invite for good, just before the account is made: empty when another registration got it first. */
    public CompletionStage<Optional<Held>> take(String token) {
        if (!settings.enabled() || token == null || !TOKEN.matcher(token).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.take(hash(token)).thenApply(found -> found.map(Held::new));
    }

    /** The registration failed after the take: the invite is open again until it would have expired. */
    public CompletionStage<Void> giveBack(Held held) {
        return held.stored.validAt(clock.instant()) ? store.put(held.stored) : CompletableFuture.completedFuture(null);
    }

    /** The inviter's account is removed: its open invites go with it. */
    public CompletionStage<Void> eraseInviter(BareJid inviter) {
        return store.eraseInviter(inviter.toString());
    }

    /** How many open invites this user has. */
    public CompletionStage<Integer> openBy(BareJid inviter) {
        return store.openBy(inviter.toString());
    }

    /** SHA-256 of the token, hex: what the store keys invites by. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An invite a registration holds (checked or taken): its kind and inviter, never its token. */
    public static final class Held {
        private final StoredInvite stored;

        Held(StoredInvite stored) {
            this.stored = stored;
        }

        public Invite.Kind kind() {
            return Invite.Kind.fromStored(stored.kind());
        }

        /** The user the invitee becomes a mutual contact of, or null. */
        public BareJid inviter() {
            return stored.inviter() == null ? null : BareJid.parseBare(stored.inviter());
        }

        @Override
        public String toString() {
            return "Held[" + kind() + "]";
        }
    }

    @Override
    public String toString() {
        return "Invites[" + domain + "]";
    }
}
