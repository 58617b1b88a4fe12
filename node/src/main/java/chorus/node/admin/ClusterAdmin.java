package chorus.node.admin;

import chorus.actors.feature.admin.ServerAdmin;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The admin commands' way into the cluster: accounts through {@link AccountService} (the same path as chorusctl),
 * sessions through each account's entity (wherever it runs) and through every node's {@link LocalSessions}.
 */
public final class ClusterAdmin implements ServerAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final AccountService accounts;
    private final ClusterSharding sharding;
    private final ActorSystem<?> system;
    private final String domain;
    private final SecureRandom random = new SecureRandom();

    public ClusterAdmin(AccountService accounts, ClusterSharding sharding, ActorSystem<?> system, String domain) {
        this.accounts = accounts;
        this.sharding = sharding;
        this.system = system;
        this.domain = domain;
    }

    @Override
    public CompletionStage<Result> addUser(BareJid account, String password) {
        return accounts.create(account, password).thenApply(ClusterAdmin::result);
    }

    @Override
    public CompletionStage<Result> deleteUser(BareJid account) {
        return accounts.remove(account).thenApply(ClusterAdmin::result);
    }

    @Override
    public CompletionStage<Result> changePassword(BareJid account, String password) {
        return accounts.changePassword(account, password).thenApply(ClusterAdmin::result);
    }

    @Override
    public CompletionStage<Integer> registeredUsers() {
        return accounts.list().thenApply(List::size);
    }

    /** Every node's online accounts as digests salted for this request; the union counts each account once. */
    @Override
    public CompletionStage<Integer> onlineUsers() {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        String s = HexFormat.of().formatHex(salt);
        return everyNode(node -> AskPattern.<LocalSessions.Command, LocalSessions.Online>ask(node,
                r -> new LocalSessions.CountOnline(s, r), TIMEOUT, system.scheduler()))
            .thenApply(answers -> {
                Set<Long> union = new HashSet<>();
                int uncounted = 0;
                for (LocalSessions.Online o : answers) {
                    if (o.digests() == null) {
                        uncounted += o.accounts();
                    } else {
                        for (long d : o.digests()) {
                            union.add(d);
                        }
                    }
                }
                return union.size() + uncounted;
            });
    }

    @Override
    public CompletionStage<Integer> announce(String subject, String body) {
        return everyNode(node -> AskPattern.<LocalSessions.Command, LocalSessions.Announced>ask(node,
                r -> new LocalSessions.Announce(domain, subject, body, r), TIMEOUT, system.scheduler()))
            .thenApply(answers -> answers.stream().mapToInt(LocalSessions.Announced::resources).sum());
    }

    @Override
    public CompletionStage<Integer> endSessions(Jid account) {
        String resource = account instanceof FullJid f ? f.resource() : null;
        return sharding.entityRefFor(UserEntity.KEY, account.bare().toString())
            .<UserEntity.SessionsEnded>ask(r -> new UserEntity.EndSessions(resource, r), TIMEOUT)
            .thenApply(UserEntity.SessionsEnded::sessions);
    }

    /** Asks every node's {@link LocalSessions}; a node that does not answer in time is left out. */
    private <T> CompletionStage<List<T>> everyNode(
        java.util.function.Function<ActorRef<LocalSessions.Command>, CompletionStage<T>> ask) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                r -> Receptionist.find(LocalSessions.KEY, r), TIMEOUT, system.scheduler())
            .thenCompose(listing -> {
                List<CompletableFuture<T>> asks = new ArrayList<>();
                for (ActorRef<LocalSessions.Command> node : listing.getServiceInstances(LocalSessions.KEY)) {
                    asks.add(ask.apply(node).toCompletableFuture().exceptionally(e -> null));
                }
                return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
                    List<T> out = new ArrayList<>();
                    asks.forEach(a -> {
                        if (a.join() != null) {
                            out.add(a.join());
                        }
                    });
                    return out;
                });
            });
    }

    private static Result result(UserEntity.AccountReply r) {
        if (r instanceof UserEntity.AccountReply.Failed f) {
            return f.condition().equals("conflict") ? Result.EXISTS : Result.NO_SUCH_ACCOUNT;
        }
        return Result.DONE;
    }

    @Override
    public String toString() {
        return "ClusterAdmin[" + domain + "]";
    }
}
