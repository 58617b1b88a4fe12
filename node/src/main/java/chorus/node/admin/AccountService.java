package chorus.node.admin;

import chorus.actors.account.Credentials;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.user.UserEntity;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.xmpp.Element;
import chorus.node.session.AccountAdmin;
import chorus.node.storage.AccountErasure;
import chorus.actors.xmpp.BareJid;
import chorus.node.login.HashingPool;
import chorus.persistence.accounts.AccountDirectory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Creates, re-keys and removes accounts through their entities. Passwords are turned into SCRAM
 * credentials here, off the actor threads, and are not kept.
 */
public final class AccountService implements AccountAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final UserEntity.AccountReply CONFLICT = new UserEntity.AccountReply.Failed("conflict");

    private final ClusterSharding sharding;
    private final ActorSystem<?> system;
    private final AccountDirectory directory;
    private final String domain;
    private final int iterations;
    private final Executor hashing;
    private final SecureRandom random = new SecureRandom();
    private AccountErasure erasure;
    private chorus.actors.feature.invite.Invites invites;
    private java.util.function.Consumer<BareJid> removed = jid -> { };

    public AccountService(ActorSystem<?> system, ClusterSharding sharding, AccountDirectory directory, String domain,
                          int iterations, Executor hashing) {
        this.system = system;
        this.sharding = sharding;
        this.directory = directory;
        this.domain = domain;
        this.iterations = iterations;
        this.hashing = hashing;
    }

    /** Parses and prepares an account address of this domain; IllegalArgumentException otherwise. */
    public BareJid account(String jid) {
        BareJid b = BareJid.parseBare(jid.contains("@") ? jid : jid + "@" + domain);
        if (!b.domain().equals(domain)) {
            throw new IllegalArgumentException("not an account of " + domain);
        }
        return b;
    }

    /**
     * Creates an account. A name whose last account is not erased yet is taken (conflict) until it is; an entity
     * that finds such a journal without the ledger's row (its removal's node died before writing it) owes the
     * erasure from now.
     */
    @Override
    public CompletionStage<UserEntity.AccountReply> create(BareJid jid, String password) {
        AccountErasure e = erasure;
        CompletionStage<Boolean> owed = e == null ? CompletableFuture.completedFuture(false) : e.owed(jid.toString());
        return owed.thenCompose(taken -> taken ? CompletableFuture.completedFuture(CONFLICT)
            : derive(password).thenCompose(creds -> sharding.entityRefFor(UserEntity.KEY, jid.toString())
                .<UserEntity.AccountReply>ask(r -> new UserEntity.CreateAccount(creds, r), TIMEOUT))
                .thenApply(reply -> {
                    if (reply instanceof UserEntity.AccountReply.Failed f && f.condition().equals(UserEntity.NOT_ERASED)) {
                        if (e != null) {
                            e.removed(jid.toString());
                        }
                        return CONFLICT;
                    }
                    return reply;
                }));
    }

    /** The account's stored SCRAM keys (null when there is no such account). */
    public CompletionStage<chorus.actors.account.Credentials> credentials(BareJid jid) {
        return sharding.entityRefFor(UserEntity.KEY, jid.toString())
            .<UserEntity.CredentialsReply>ask(UserEntity.GetCredentials::new, TIMEOUT)
            .thenApply(UserEntity.CredentialsReply::credentials);
    }

    @Override
    public CompletionStage<UserEntity.AccountReply> changePassword(BareJid jid, String password) {
        return derive(password).thenCompose(creds -> sharding.entityRefFor(UserEntity.KEY, jid.toString())
            .<UserEntity.AccountReply>ask(r -> new UserEntity.ChangePassword(creds, r), TIMEOUT));
    }

    /**
     * Removes an account: its entity unsubscribes the contacts, closes the sessions and empties itself,
     * the mailbox empties too, then both journals are erased ({@link AccountErasure}: finished later if cut off).
     */
    @Override
    public CompletionStage<UserEntity.AccountReply> remove(BareJid jid) {
        return sharding.entityRefFor(UserEntity.KEY, jid.toString())
            .<UserEntity.AccountReply>ask(UserEntity.RemoveAccount::new, TIMEOUT)
            .thenCompose(reply -> {
                if (!(reply instanceof UserEntity.AccountReply.Done)) {
                    return CompletableFuture.completedFuture(reply);
                }
                removed.accept(jid);
                if (erasure != null) {
                    return erasure.removed(jid.toString()).thenApply(done -> reply);
                }
                return sharding.entityRefFor(MailboxEntity.KEY, jid.toString())
                    .<MailboxEntity.Cleared>ask(MailboxEntity.Clear::new, TIMEOUT)
                    .thenApply(cleared -> reply);
            });
    }

    @Override
    public CompletionStage<Void> subscribeMutually(BareJid a, BareJid b) {
        return addContact(a, b).thenCompose(v -> addContact(b, a));
    }

    /** The contact enters the account's roster with subscription both, persisted as an import would (XEP-0227). */
    private CompletionStage<Void> addContact(BareJid account, BareJid contact) {
        Element query = Element.build("query", RosterXml.NS).child(Element.build("item", RosterXml.NS)
            .attr("jid", contact.toString()).attr("subscription", "both").get()).get();
        return sharding.entityRefFor(UserEntity.KEY, account.toString())
            .<UserEntity.Imported>ask(r -> new UserEntity.ImportAccount(null, List.of(query), r), TIMEOUT)
            .thenCompose(reply -> reply instanceof UserEntity.Imported.Done ? CompletableFuture.<Void>completedFuture(null)
                : CompletableFuture.<Void>failedFuture(new IllegalStateException("no account " + account)));
    }

    /** Told of every removed account (the node deletes its uploads on every node). */
    public void onRemoved(java.util.function.Consumer<BareJid> then) {
        this.removed = then;
    }

    /** Set by the node: invitations made through the admin API (XEP-0401). */
    public void inviteWith(chorus.actors.feature.invite.Invites invites) {
        this.invites = invites;
    }

    /** The node's invitations; null before the node set them. */
    public chorus.actors.feature.invite.Invites invites() {
        return invites;
    }

    /** Set by the node when its storage keeps journals that removal must erase. */
    public void eraseWith(AccountErasure erasure) {
        this.erasure = erasure;
    }

    /**
     * Whether {@code password} is the account's (checked against its SCRAM keys, off the actor threads);
     * false for an account that does not exist.
     */
    public CompletionStage<Boolean> verifyPassword(BareJid jid, String password) {
        if (password == null || password.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return sharding.entityRefFor(UserEntity.KEY, jid.toString())
            .<UserEntity.CredentialsReply>ask(UserEntity.GetCredentials::new, TIMEOUT)
            .thenCompose(r -> HashingPool.supply(hashing,
                () -> r.credentials() != null && r.credentials().verifyPlain(password)));
    }

    public CompletionStage<List<String>> list() {
        return directory.list();
    }

    /** SCRAM keys of both hashes for this password, made off the actor threads; the password is not kept. */
    public CompletionStage<Credentials> credentials(String password) {
        return derive(password);
    }

    private CompletionStage<Credentials> derive(String password) {
        if (password == null || password.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("empty password"));
        }
        return HashingPool.supply(hashing, () -> Credentials.derive(password, iterations, random));
    }

    public ActorSystem<?> system() {
        return system;
    }

    /** The domain whose accounts these are. */
    public String domain() {
        return domain;
    }
}
