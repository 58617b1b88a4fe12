package chorus.node;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.router.Router;
import chorus.actors.user.UserEntity;
import chorus.node.admin.AccountService;
import chorus.node.c2s.SessionCounter;
import chorus.node.config.SessionLimits;
import chorus.node.config.Settings;
import chorus.node.csi.ClientStateIndication;
import chorus.node.csi.CsiSettings;
import chorus.node.login.LoginThrottle;
import chorus.node.login.LookupTimes;
import chorus.node.login.MemberRemovals;
import chorus.node.login.ShardedLoginThrottle;
import chorus.node.login.ThrottleBucket;
import chorus.node.metrics.NodeRegistry;
import chorus.node.sasl.SaslMechanisms;
import chorus.node.sasl.SaslSettings;
import chorus.node.sasl2.Sasl2Settings;
import chorus.actors.feature.carbons.CarbonsSettings;
import chorus.actors.feature.fast.FastSettings;
import chorus.node.session.BlockingFilter;
import chorus.node.session.IdleSweep;
import chorus.node.session.RegistrationLimiter;
import chorus.node.session.SessionContext;
import chorus.node.session.ServerCaps;
import chorus.node.session.SessionExtension;
import chorus.node.session.SessionGuards;
import chorus.node.storage.NodeStorage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * What every client stream's session needs, whatever its transport ({@link SessionContext}): the SASL mechanisms,
 * the login throttle (sharded, when on), the registration limiter, the guards of its lookups and hashing, and its
 * per-session features in the order their hooks run.
 */
final class NodeSessions {
    private NodeSessions() {
    }

    /**
     * @param tcp           the counter of TCP sessions (the other transports bring their own)
     * @param clusterSecret the cluster's secret, keying the decoy credentials and the throttle's buckets
     */
    static SessionContext context(Settings settings, ActorSystem<Void> system, ClusterSharding sharding,
                                  Router router, AccountService accounts, SessionCounter tcp, ExecutorService hashing,
                                  IdleSweep idle, byte[] clusterSecret, NodeStorage storage, NodeRegistry registry,
                                  Clock clock, java.util.function.Supplier<chorus.actors.xmpp.Element> serverCaps,
                                  chorus.actors.feature.invite.Invites invites) {
        SessionLimits limits = settings.c2s().sessionLimits();
        SaslMechanisms sasl = new SaslMechanisms(
            SaslSettings.allMechanisms(settings.scramIterations(), clusterSecret)
                .withChannelBinding(settings.config().getBoolean("chorus.sasl.channel-binding"))
                .withDowngradeProtection(settings.config().getBoolean("chorus.sasl.downgrade-protection")),
            new SecureRandom());
        LoginThrottle throttle = LoginThrottle.NONE;
        if (limits.logins().on()) {
            ThrottleBucket.init(sharding, limits.logins(), clock);
            throttle = new ShardedLoginThrottle(limits.logins(), clusterSecret,
                id -> sharding.entityRefFor(ThrottleBucket.KEY, id), system.scheduler());
        }
        CsiSettings csi = CsiSettings.from(storage.systemConfig());
        return new SessionContext(settings.domain(), settings.c2s(), settings.registration(),
            router, jid -> sharding.entityRefFor(UserEntity.KEY, jid),
            jid -> sharding.entityRefFor(MailboxEntity.KEY, jid), clock, tcp, sasl, accounts,
            new RegistrationLimiter(settings.registration().perAddress(), settings.registration().window(), clock),
            extensions(csi, serverCaps), registry.metrics(), new SessionGuards(throttle,
                hashing, idle, new LookupTimes(limits.lookupTime(), limits.lookupCap(), limits.lookupTimeout())
                    .wakeOn(MemberRemovals.start(system))), invites,
            Sasl2Settings.from(settings.config(), CarbonsSettings.from(storage.systemConfig()).enabled(), csi.enabled(),
                FastSettings.from(storage.systemConfig())));
    }

    /** The per-session features of every bound stream, in the order their hooks run. */
    private static List<SessionExtension.Factory> extensions(CsiSettings csi,
                                                            java.util.function.Supplier<chorus.actors.xmpp.Element> caps) {
        List<SessionExtension.Factory> all = new ArrayList<>();
        all.add(ServerCaps.factory(caps));
        all.add(BlockingFilter::new);
        all.addAll(ClientStateIndication.factories(csi));
        return all;
    }
}
