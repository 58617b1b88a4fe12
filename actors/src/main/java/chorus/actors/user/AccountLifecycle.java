package chorus.actors.user;

import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The account itself: created with its credentials, re-keyed, removed. Removal unsubscribes every contact, closes
 * the sessions, lets each feature erase what it keeps outside the journal, and empties the state; the node erases
 * the journal once the entity left memory.
 */
final class AccountLifecycle {
    private final UserEntity entity;
    private final ActorContext<UserEntity.Command> ctx;
    private final BareJid jid;
    private final UserEntity.Deps deps;
    private final Map<String, LiveSession> sessions;
    private final ActorRef<ClusterSharding.ShardCommand> shard;

    AccountLifecycle(UserEntity entity, ActorRef<ClusterSharding.ShardCommand> shard) {
        this.entity = entity;
        this.ctx = entity.ctx();
        this.jid = entity.jid();
        this.deps = entity.deps();
        this.sessions = entity.sessions();
        this.shard = shard;
    }

    static void handle(UserEntity.CommandHandlers all) {
        var on = all.part(UserEntity::lifecycle);
        on.on(UserEntity.CreateAccount.class, AccountLifecycle::create);
        on.on(UserEntity.ChangePassword.class, AccountLifecycle::changePassword);
        on.on(UserEntity.RemoveAccount.class, AccountLifecycle::remove);
        on.on(UserEntity.GetCredentials.class,
            (l, s, c) -> l.entity.effects().reply(c.replyTo(), new UserEntity.CredentialsReply(s.credentials())));
    }

    private Effect<AccountEvent, AccountState> create(AccountState s, UserEntity.CreateAccount c) {
        if (s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.AccountReply.Failed("conflict"));
        }
        if (entity.journalNotErased()) {
            // A removed account whose erasure was cut off: a new one must not continue its journal.
            return entity.effects().reply(c.replyTo(), new UserEntity.AccountReply.Failed(UserEntity.NOT_ERASED));
        }
        return entity.effects().factory().persist(new UserEntity.AccountCreated(c.credentials(), deps.clock().instant()))
            .thenRun(st -> deps.directory().add(jid.toString()))
            .thenReply(c.replyTo(), st -> new UserEntity.AccountReply.Done());
    }

    private Effect<AccountEvent, AccountState> changePassword(AccountState s, UserEntity.ChangePassword c) {
        if (!s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.AccountReply.Failed("item-not-found"));
        }
        return entity.effects().factory().persist(new UserEntity.PasswordChanged(c.credentials(), deps.clock().instant()))
            .thenReply(c.replyTo(), st -> new UserEntity.AccountReply.Done());
    }

    private Effect<AccountEvent, AccountState> remove(AccountState s, UserEntity.RemoveAccount c) {
        if (!s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.AccountReply.Failed("item-not-found"));
        }
        // RFC 6121 §2.5.2 applied to every contact: they learn the subscriptions are gone.
        for (RosterItem item : s.roster().items().values()) {
            entity.presence().unsubscribeBoth(item);
        }
        List<LiveSession> closing = new ArrayList<>(sessions.values());
        for (LiveSession ls : closing) {
            ctx.unwatch(ls.ref);
        }
        sessions.clear();
        entity.hooks().erase();
        entity.resources().armIdleTimer();
        // The entity leaves memory so that its journal can be erased (the node's AccountService does
        // that next, with the mailbox's); a later message starts it again, empty.
        return entity.effects().factory().persist(new UserEntity.AccountRemoved(deps.clock().instant()))
            .thenRun(st -> deps.directory().remove(jid.toString()))
            .thenRun(st -> closing.forEach(ls -> ls.ref.tell(new SessionMessage.Close("not-authorized", "account removed"))))
            .thenRun(st -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())))
            .thenReply(c.replyTo(), st -> new UserEntity.AccountReply.Done());
    }
}
