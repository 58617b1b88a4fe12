package chorus.node;

import chorus.actors.Journaled;
import chorus.actors.cluster.Frames;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.diagnostics.DiagnosticsPruner;
import chorus.actors.diagnostics.DiagnosticsRecorder;
import chorus.actors.diagnostics.DiagnosticsSettings;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.mailbox.MailboxSettings;
import chorus.actors.router.Router;
import chorus.actors.s2s.ShardedRemotes;
import chorus.node.component.Components;
import chorus.node.s2s.Federation;
import chorus.node.stream.StreamLimits;
import chorus.actors.cluster.CborStringRefs;
import chorus.node.http.HttpListener;
import chorus.node.http.UploadErasure;
import chorus.node.http.UploadRoute;
import chorus.actors.user.LocalAccounts;
import chorus.actors.user.ShardedAccounts;
import chorus.actors.user.UserEntity;
import chorus.actors.user.UserSettings;
import chorus.node.admin.AccountService;
import chorus.node.admin.LocalSessions;
import chorus.node.admin.AdminServer;
import chorus.node.admin.AdminToken;
import chorus.node.admin.NodeStats;
import chorus.node.c2s.C2sContext;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.c2s.C2sServer;
import chorus.node.c2s.SessionCounter;
import chorus.node.config.SessionLimits;
import chorus.node.login.HashingPool;
import chorus.node.session.IdleSweep;
import chorus.node.session.SessionContext;
import chorus.node.config.DecoySecret;
import chorus.node.cluster.ClusterLease;
import chorus.node.cluster.SeedRetry;
import chorus.node.config.ClusterSettings;
import chorus.node.config.Settings;
import chorus.node.config.ThreadSettings;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import chorus.node.storage.AccountErasure;
import chorus.node.storage.NodeStorage;
import chorus.node.tls.TlsContexts;
import chorus.node.tls.TlsIdentity;
import chorus.node.metrics.DriverMetrics;
import chorus.node.metrics.NodeRegistry;
import chorus.actors.metrics.NodeMetrics;
import chorus.node.tls.TlsSettings;
import chorus.persistence.accounts.AccountDirectory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running node: the actor system in its cluster, the user entities' sharding, the client listeners
 * and the admin API. {@link #close()} ends every client stream with system-shutdown and stops.
 *
 * <p>{@link #start} wires the parts in the order they need each other; the parts build themselves:
 * {@link NodeFeatures} (the server's and every account's features), {@link NodeServices} (MUC, pubsub, upload),
 * {@link NodeMeters}, {@link NodeSessions} (what every client session needs), {@link NodeHttp}.
 */
public final class ChorusNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChorusNode.class);

    private final Settings settings;
    private final ActorSystem<Void> system;
    private final TlsContexts tls;
    private final SessionCounter counter;
    private final AccountService accounts;
    private final ExecutorService hashing;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private C2sServer c2s;
    private HttpListener http;
    private NodeStorage storage;
    private NodeRegistry registry;

    private ChorusNode(Settings settings, ActorSystem<Void> system, TlsContexts tls, SessionCounter counter,
                       AccountService accounts, ExecutorService hashing) {
        this.settings = settings;
        this.system = system;
        this.tls = tls;
        this.counter = counter;
        this.accounts = accounts;
        this.hashing = hashing;
    }

    public static ChorusNode start(Settings settings) throws IOException, InterruptedException {
        // Main sets this before anything else; a node embedded elsewhere gets it here, which is in time
        // unless that process made TLS connections already (JSSE reads it once).
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        Clock clock = Clock.systemUTC();
        settings.s2s().warnings().forEach(log::warn);
        TlsContexts tls = TlsContexts.create(new TlsSettings(settings.tlsCertificate(), settings.tlsKey(),
            settings.dataDir(), settings.domain().toString(), settings.tlsEngine()));
        java.nio.file.Path clusterKeys = settings.cluster().linkKeys(settings.dataDir(), clock);
        ThreadSettings threads = ThreadSettings.from(settings.config());
        NodeRegistry registry = NodeRegistry.create();
        NodeStorage storage;
        ActorSystem<Void> system;
        try {
            storage = NodeStorage.open(settings.config(), settings.dataDir(), clock, registry.prometheus());
        } catch (IOException | InterruptedException | RuntimeException e) {
            registry.close();
            throw e;
        }
        ClusterLease lease;
        try {
            lease = ClusterLease.from(settings.config(), settings.cluster().sharesItsCluster(), storage.session() != null);
            system = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM, CborStringRefs.setup(
                threads.pekkoConfig().withFallback(lease.pekkoConfig()).withFallback(settings.cluster().pekkoConfig())
                    .withFallback(ClusterSettings.linkConfig(clusterKeys))
                    .withFallback(storage.systemConfig())));
        } catch (RuntimeException e) {
            storage.close();
            registry.close();
            throw e;
        }
        // Before any entity opens the journal: the plugin's driver sessions report to the node's registry, and the
        // entities' journal failures to its meters.
        DriverMetrics.get(system.classicSystem()).use(registry.prometheus());
        Journaled.Failures.get(system).reportTo(registry.metrics()::journalFailed);
        try {
            Cluster cluster = Cluster.get(system);
            if (settings.cluster().alone()) {
                // A single node forms its own cluster.
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            } else if (settings.cluster().discovery() == ClusterSettings.Discovery.DNS) {
                // Pekko Management answers the other nodes' bootstrap; Cluster Bootstrap finds them by DNS.
                PekkoManagement.get(system.classicSystem()).start();
                ClusterBootstrap.get(system.classicSystem()).start();
            }
            // Before any shard starts: each takes this node's lease first.
            lease.start(system, storage, clock);
            SeedRetry.start(system);
            ClusterSharding sharding = ClusterSharding.get(system);
            AccountDirectory directory = storage.directory();

            SessionCounter counter = new SessionCounter();
            SessionLimits limits = settings.c2s().sessionLimits();
            ExecutorService hashing = HashingPool.create(limits.hashingThreads(), limits.hashingQueue());
            AccountService accounts = new AccountService(system, sharding, directory, settings.domain().toString(),
                settings.scramIterations(), hashing);
            NodeServices services = NodeServices.from(settings, storage);
            NodeFeatures features = NodeFeatures.build(settings, system, sharding, accounts, storage, registry, clock,
                services.domains());
            AccountFeatures account = features.account();
            UserSettings userSettings = UserSettings.from(storage.systemConfig());

            String nodeName = cluster.selfMember().address().hostPort();
            DiagnosticsSettings diagnosticsSettings = DiagnosticsSettings.from(storage.systemConfig());
            DeliveryFailures failures = new DiagnosticsRecorder(storage.diagnostics(), clock, nodeName, diagnosticsSettings);
            // Stanzas to accounts and rooms may be larger than a cluster frame (a room's lists, a PEP result):
            // those travel in frames.
            Frames frames = Frames.get(system);
            // Another domain: the entity of the pair of domains, which owns the outgoing s2s stream (Federation).
            // Without federation (chorus.s2s.enabled off) there is none: the router bounces remote-server-not-found.
            ShardedRemotes remotes = settings.s2s().enabled()
                ? new ShardedRemotes(sharding, settings.domain().toString()) : null;
            Router router = new Router(settings.domain(),
                new ShardedAccounts(sharding, frames, LocalAccounts.get(system)), remotes, features.server(),
                account::seesSent, clock, failures);
            services.startMuc(system, sharding, storage, router, frames, clock);
            services.startPubSub(sharding, router, frames);
            UploadErasure uploadErasure = UploadErasure.start(system);
            UploadRoute uploadRoute = services.startUpload(router, uploadErasure, clock);
            StreamLimits peerLimits = new StreamLimits(settings.c2s().maxStanzaSize(), settings.c2s().maxDepth(),
                StreamLimits.DEFAULTS.maxHeaderBytes(), settings.c2s().limits().maxAttributes(),
                settings.c2s().limits().maxNamespaces());
            Components components = Components.start(settings.component(), peerLimits, settings.c2s().limits(), system,
                router);
            ActorRef<DiagnosticsPruner.Command> pruner = DiagnosticsPruner.init(system, storage.diagnostics(),
                diagnosticsSettings, clock);
            MailboxEntity.init(sharding, MailboxSettings.from(storage.systemConfig()), settings.domain().toString(), clock,
                storage.mailboxRowEraser(), storage.notices(clock), registry.metrics());
            UserEntity.init(sharding, new UserEntity.Deps(settings.domain(), router, account, clock,
                userSettings, directory, jid -> sharding.entityRefFor(MailboxEntity.KEY, jid), failures,
                jid -> sharding.entityRefFor(UserEntity.KEY, jid)));

            // Each transport's sessions, among the node's.
            NodeMeters meters = NodeMeters.start(system, registry, counter, storage, services.mucEnabled());
            NodeMetrics metrics = registry.metrics();
            system.systemActorOf(NodeStats.create(counter), "node-stats", org.apache.pekko.actor.typed.Props.empty());
            system.systemActorOf(LocalSessions.create(counter), "local-sessions", org.apache.pekko.actor.typed.Props.empty());
            AccountErasure erasure = AccountErasure.forStorage(system, sharding, storage, clock);
            if (erasure != null) {
                erasure.start(storage.systemConfig());
            }
            accounts.eraseWith(erasure);
            accounts.onRemoved(jid -> {
                uploadErasure.erase(jid);
                services.forgetAtPubSub(sharding, jid);
            });
            accounts.inviteWith(features.invites());
            ChorusNode node = new ChorusNode(settings, system, tls, counter, accounts, hashing);
            node.registry = registry;
            node.resources.add(meters.gauges());
            node.storage = storage;
            byte[] clusterSecret = DecoySecret.load(settings);
            IdleSweep idle = IdleSweep.start(limits.idleTimeout(), limits.idleAnswer(), system.scheduler(),
                system.executionContext());
            node.resources.add(idle);
            // What every client stream's session needs, whatever its transport; and its per-session features.
            SessionContext sessions = NodeSessions.context(settings, system, sharding, router, accounts, meters.tcp(),
                hashing, idle, clusterSecret, storage, registry, clock, features.disco()::serverCaps,
                features.invites());
            // One set of connection caps for every client transport (TCP, WebSocket, BOSH).
            ConnectionCaps caps = new ConnectionCaps(settings.c2s().limits());
            C2sContext c2sContext = new C2sContext(settings, tls, meters.tcp(), caps, sessions);
            node.c2s = C2sServer.start(c2sContext, system, threads.eventLoops());
            if (settings.http().enabled()) {
                node.http = NodeHttp.start(settings, tls, system, sessions, meters.webSocket(), meters.bosh(), caps, uploadRoute,
                    features.badges(), clock);
            }
            node.resources.add(components);
            if (remotes != null) {
                node.resources.add(Federation.start(settings.s2s(), settings.bind(), settings.c2s().maxDepth(),
                    settings.c2s().limits(), system,
                    sharding, router, remotes, tls, clusterSecret, metrics, clock));
            }
            node.resources.add(AdminServer.start(new AdminServer.Deps(settings,
                AdminToken.createIn(settings.dataDir(), settings.admin().token()), accounts, counter::sessions,
                storage.diagnostics(), pruner, meters.readiness(), registry, node::reloadCertificates)));
            return node;
        } catch (IOException | InterruptedException | RuntimeException e) {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // stopping anyway
            }
            storage.close();
            registry.close();
            throw e;
        }
    }

    /**
     * Reads the TLS certificate and key again (a renewal): every connection accepted from now on, on the
     * client ports and the upload listener, gets the new certificate; established ones keep theirs. A bad
     * file leaves the current certificate in place and throws {@link chorus.node.tls.TlsSetupException}.
     */
    public TlsIdentity reloadCertificates() {
        TlsIdentity id = tls.reload();
        log.info("TLS certificate reloaded: {} valid until {}", id.leaf().getSubjectX500Principal().getName(),
            id.leaf().getNotAfter().toInstant());
        return id;
    }

    /** The node's meters. */
    public NodeRegistry registry() {
        return registry;
    }

    public Settings settings() {
        return settings;
    }

    public AccountService accounts() {
        return accounts;
    }

    public TlsContexts tls() {
        return tls;
    }

    public SessionCounter sessions() {
        return counter;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Ends every client stream with system-shutdown, then stops listeners, the admin API and the actors. */
    @Override
    public void close() {
        if (c2s != null) {
            c2s.stopListening();
        }
        if (http != null) {
            http.stopListening();
        }
        counter.shutdownAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(7).toNanos();
        while ((counter.connections() > 0 || !counter.idle()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
        if (c2s != null) {
            c2s.close();
        }
        if (http != null) {
            http.close();
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("the actor system did not stop in time");
        }
        hashing.shutdownNow();
        storage.close();
        registry.close();
    }

    public NodeStorage storage() {
        return storage;
    }
}
