package chorus.node;

import chorus.actors.Journaled;
import chorus.actors.cluster.Frames;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.diagnostics.DiagnosticsPruner;
import chorus.actors.diagnostics.DiagnosticsRecorder;
import chorus.actors.diagnostics.DiagnosticsSettings;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.carbons.CarbonsFeature;
import chorus.actors.feature.carbons.CarbonsSettings;
import chorus.actors.feature.Features;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.blocking.BlockingFeature;
import chorus.actors.feature.blocking.BlockingHandler;
import chorus.actors.caps.CapsCache;
import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.last.LastActivityFeature;
import chorus.actors.feature.last.LastActivityHandler;
import chorus.actors.feature.mam.ArchiveFeature;
import chorus.actors.feature.mam.MamSettings;
import chorus.actors.feature.avatars.AvatarFeature;
import chorus.actors.feature.bookmarks.BookmarksFeature;
import chorus.actors.feature.pep.PepFeature;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.privatedata.PrivateHandler;
import chorus.actors.feature.register.RegisterForm;
import chorus.actors.feature.vcard.VCardHandler;
import chorus.actors.feature.vcard.VCardPortable;
import chorus.actors.feature.privatedata.PrivatePortable;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.feature.time.TimeHandler;
import chorus.actors.feature.version.VersionHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.mailbox.MailboxSettings;
import chorus.actors.muc.MucService;
import chorus.actors.muc.MucSettings;
import chorus.actors.muc.RoomDirectory;
import chorus.actors.muc.RoomEntity;
import chorus.actors.router.Router;
import chorus.actors.s2s.ShardedRemotes;
import chorus.node.component.Components;
import chorus.node.s2s.Federation;
import chorus.node.stream.StreamLimits;
import chorus.actors.upload.Slots;
import chorus.actors.upload.UploadService;
import chorus.actors.upload.UploadSettings;
import chorus.actors.cluster.CborStringRefs;
import chorus.node.http.HttpListener;
import chorus.node.http.UploadErasure;
import chorus.node.http.UploadRoute;
import chorus.node.http.UploadStore;
import chorus.actors.feature.webpresence.BadgeBoard;
import chorus.actors.feature.webpresence.ReplicatedBadgeBoard;
import chorus.actors.feature.webpresence.WebPresenceFeature;
import chorus.actors.feature.webpresence.WebPresenceSettings;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.user.ShardedAccounts;
import chorus.actors.user.UserEntity;
import chorus.actors.user.UserSettings;
import chorus.node.admin.AccountService;
import chorus.node.admin.ClusterAdmin;
import chorus.node.admin.LocalSessions;
import chorus.actors.feature.adhoc.AdHocHandler;
import chorus.actors.feature.adhoc.CommandSessions;
import chorus.actors.feature.admin.AdminCommands;
import chorus.node.admin.AdminServer;
import chorus.node.admin.AdminToken;
import chorus.node.admin.NodeStats;
import chorus.node.c2s.C2sContext;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.c2s.C2sServer;
import chorus.node.c2s.SessionCounter;
import chorus.node.config.SessionLimits;
import chorus.node.login.HashingPool;
import chorus.node.login.LoginThrottle;
import chorus.node.login.LookupTimes;
import chorus.node.login.ShardedLoginThrottle;
import chorus.node.login.ThrottleBucket;
import chorus.node.session.BlockingFilter;
import chorus.node.session.IdleSweep;
import chorus.node.session.SessionGuards;
import chorus.node.session.SessionExtension;
import chorus.node.csi.ClientStateIndication;
import chorus.node.csi.CsiSettings;
import chorus.node.session.RegistrationLimiter;
import chorus.node.session.SessionContext;
import chorus.node.cli.Version;
import chorus.node.config.DecoySecret;
import chorus.node.config.ClusterSettings;
import chorus.node.config.Settings;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import chorus.node.storage.AccountEraser;
import chorus.node.storage.NodeStorage;
import chorus.node.sasl.SaslMechanisms;
import chorus.node.sasl.SaslSettings;
import chorus.node.tls.TlsContexts;
import chorus.node.tls.TlsIdentity;
import chorus.node.metrics.ClusterGauges;
import chorus.node.metrics.DriverMetrics;
import chorus.node.metrics.NodeRegistry;
import chorus.node.metrics.Readiness;
import chorus.actors.metrics.NodeMetrics;
import io.micrometer.core.instrument.Gauge;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.EnumMap;
import java.util.Map;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running node: the actor system in its cluster, the user entities' sharding, the client listeners
 * and the admin API. {@link #close()} ends every client stream with system-shutdown and stops.
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
            settings.dataDir(), settings.domain().toString()));
        java.nio.file.Path clusterKeys = settings.cluster().linkKeys(settings.dataDir(), clock);
        NodeRegistry registry = NodeRegistry.create();
        NodeStorage storage;
        ActorSystem<Void> system;
        try {
            storage = NodeStorage.open(settings.config(), settings.dataDir(), clock, registry.prometheus());
        } catch (IOException | InterruptedException | RuntimeException e) {
            registry.close();
            throw e;
        }
        try {
            system = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM, CborStringRefs.setup(
                settings.cluster().pekkoConfig().withFallback(ClusterSettings.linkConfig(clusterKeys))
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
            ClusterSharding sharding = ClusterSharding.get(system);
            AccountDirectory directory = storage.directory();

            MucSettings muc = MucSettings.from(storage.systemConfig());
            String mucDomain = muc.serviceDomain(settings.domain().toString());
            UploadSettings upload = UploadSettings.from(storage.systemConfig(), settings.http().port(),
                settings.http().publicUrl());
            String uploadDomain = upload.serviceDomain(settings.domain().toString());
            List<String> services = new ArrayList<>();
            if (muc.enabled()) {
                services.add(mucDomain);
            }
            if (upload.offered()) {
                services.add(uploadDomain);
            }
            AtomicReference<Features> serverRef = new AtomicReference<>();
            AtomicReference<AccountFeatures> accountRef = new AtomicReference<>();
            CarbonsSettings carbons = CarbonsSettings.from(storage.systemConfig());
            DiscoHandler disco = new DiscoHandler("Chorus",
                () -> plus(plus(serverRef.get().discoFeatures(), MailboxEntity.XEP_0160, RegisterForm.NS),
                    carbons.enabled() ? CarbonsFeature.SERVER_FEATURES.toArray(String[]::new) : new String[0]),
                () -> accountRef.get().discoFeatures(), services);
            LastActivityHandler last = new LastActivityHandler(clock.instant());
            VCardHandler vcard = new VCardHandler();
            PrivateHandler privateData = new PrivateHandler();
            BlockingHandler blocking = new BlockingHandler();
            SessionCounter counter = new SessionCounter();
            SessionLimits limits = settings.c2s().sessionLimits();
            ExecutorService hashing = HashingPool.create(limits.hashingThreads(), limits.hashingQueue());
            AccountService accounts = new AccountService(system, sharding, directory, settings.domain().toString(),
                settings.scramIterations(), hashing);
            // XEP-0133 for the admins, over XEP-0050; it answers its disco nodes, so it comes before disco.
            AdHocHandler adhoc = new AdHocHandler(new AdminCommands(
                new ClusterAdmin(accounts, sharding, system, settings.domain().toString()), settings.domain(),
                Set.copyOf(settings.registration().admins())).all(), CommandSessions.defaults(clock));
            // The server lists what its accounts support too: clients look for these on the server (XEP-0030).
            List<IqHandler> server = List.of(adhoc, disco, new PingHandler(),
                new VersionHandler("Chorus", Version.current(), settings.versionShowsOs()), new TimeHandler(), last,
                vcard, privateData, blocking);
            UserSettings userSettings = UserSettings.from(storage.systemConfig());
            MamSettings mam = MamSettings.from(storage.systemConfig());
            // The features of every account, in the order their hooks run (blocking refuses a blocked sender
            // before anything else looks at its stanza).
            // The opt-in web presence badge, when the server offers it: its command is answered before disco's.
            WebPresenceSettings webPresence = WebPresenceSettings.from(storage.systemConfig());
            BadgeBoard badges = webPresence.enabled() ? ReplicatedBadgeBoard.start(system) : null;
            PepLimits pepLimits = PepLimits.from(storage.systemConfig());
            List<AccountFeature> features = new ArrayList<>(List.of(new BlockingFeature(blocking)));
            if (badges != null) {
                features.add(new WebPresenceFeature(badges));
            }
            features.addAll(List.of(AccountFeature.of(disco),
                AccountFeature.of(new PingHandler()), AccountFeature.of(vcard, new VCardPortable()),
                AccountFeature.of(privateData, new PrivatePortable()),
                new LastActivityFeature(last), new PepFeature(pepLimits, new CapsCache()),
                new BookmarksFeature(pepLimits, privateData.maxWeight()), new AvatarFeature(pepLimits, vcard.maxWeight()),
                new ArchiveFeature(mam, storage.archive(clock), registry.metrics())));
            AccountFeatures account = AccountFeatures.of(features.toArray(AccountFeature[]::new));
            if (carbons.enabled()) {
                // Last: copies carry the message as the resources get it (with the archive's stanza-id).
                account = account.plus(new CarbonsFeature(carbons));
            }
            serverRef.set(new Features(server));
            accountRef.set(account);

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
            Router router = new Router(settings.domain(), new ShardedAccounts(sharding, frames), remotes, serverRef.get(),
                account::seesSent, clock, failures);
            if (muc.enabled()) {
                RoomDirectory rooms = RoomDirectory.start(system, muc);
                AccountEraser roomEraser = AccountEraser.forStorage(system, storage);
                RoomEntity.init(sharding, new RoomEntity.Deps(muc, settings.domain().toString(), router, rooms, clock,
                    room -> {
                        if (roomEraser != null) {
                            roomEraser.eraseRoom(room).whenComplete((ok, e) -> {
                                if (e != null) {
                                    log.warn("could not erase the journal of a destroyed room: {}", e.toString());
                                }
                            });
                        }
                    }));
                MucService service = new MucService(new DomainJid(mucDomain), router, rooms::publicRooms,
                    (room, stanza) -> frames.tell(sharding.entityRefFor(RoomEntity.KEY, room), new RoomEntity.Deliver(stanza),
                        RoomEntity.Framed::new), muc, clock);
                router.addService(mucDomain, service::accept);
            }
            UploadRoute uploadRoute = null;
            UploadErasure uploadErasure = UploadErasure.start(system);
            if (upload.offered()) {
                Slots slots = new Slots(clock);
                UploadStore files = new UploadStore(settings.dataDir().resolve("uploads"), upload.retention(), clock);
                uploadRoute = new UploadRoute(slots, files, settings.http().limits().maxUploads());
                uploadErasure.serve(files, slots);
                UploadService uploadService = new UploadService(settings.domain().toString(), upload, slots, router,
                    files::usedBy);
                router.addService(uploadDomain, uploadService::accept);
            }
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
                userSettings, directory, jid -> sharding.entityRefFor(MailboxEntity.KEY, jid), failures));

            // Each transport's sessions, among the node's.
            SessionCounter tcp = counter.child();
            SessionCounter webSocket = counter.child();
            SessionCounter bosh = counter.child();
            NodeMetrics metrics = registry.metrics();
            metrics.sessions(NodeMetrics.Transport.TCP, tcp::sessions);
            metrics.sessions(NodeMetrics.Transport.WEBSOCKET, webSocket::sessions);
            metrics.sessions(NodeMetrics.Transport.BOSH, bosh::sessions);
            Gauge.builder("chorus.connections", counter, SessionCounter::connections)
                .description("open client connections on this node").register(registry.prometheus());
            Map<NodeMetrics.EntityType, EntityTypeKey<?>> types = new EnumMap<>(NodeMetrics.EntityType.class);
            types.put(NodeMetrics.EntityType.USER, UserEntity.KEY);
            types.put(NodeMetrics.EntityType.MAILBOX, MailboxEntity.KEY);
            if (muc.enabled()) {
                types.put(NodeMetrics.EntityType.ROOM, RoomEntity.KEY);
            }
            ClusterGauges gauges = ClusterGauges.start(system, registry.prometheus(), types, Duration.ofSeconds(10));
            Readiness readiness = new Readiness(system, types.values().stream().map(EntityTypeKey::name).toList(),
                storage.session());
            system.systemActorOf(NodeStats.create(counter), "node-stats", org.apache.pekko.actor.typed.Props.empty());
            system.systemActorOf(LocalSessions.create(counter), "local-sessions", org.apache.pekko.actor.typed.Props.empty());
            accounts.eraseWith(AccountEraser.forStorage(system, storage));
            accounts.onRemoved(uploadErasure::erase);
            ChorusNode node = new ChorusNode(settings, system, tls, counter, accounts, hashing);
            node.registry = registry;
            node.resources.add(gauges);
            node.storage = storage;
            byte[] clusterSecret = DecoySecret.load(settings);
            SaslMechanisms sasl = new SaslMechanisms(
                SaslSettings.allMechanisms(settings.scramIterations(), clusterSecret), new SecureRandom());
            LoginThrottle throttle = LoginThrottle.NONE;
            if (limits.logins().on()) {
                ThrottleBucket.init(sharding, limits.logins(), clock);
                throttle = new ShardedLoginThrottle(limits.logins(), clusterSecret,
                    id -> sharding.entityRefFor(ThrottleBucket.KEY, id), system.scheduler());
            }
            IdleSweep idle = IdleSweep.start(limits.idleTimeout(), limits.idleAnswer(), system.scheduler(),
                system.executionContext());
            node.resources.add(idle);
            // What every client stream's session needs, whatever its transport; and its per-session features.
            SessionContext sessions = new SessionContext(settings.domain(), settings.c2s(), settings.registration(),
                router, jid -> sharding.entityRefFor(UserEntity.KEY, jid),
                jid -> sharding.entityRefFor(MailboxEntity.KEY, jid), clock, tcp, sasl, accounts,
                new RegistrationLimiter(settings.registration().perAddress(), settings.registration().window(), clock),
                sessionExtensions(CsiSettings.from(storage.systemConfig())), metrics, new SessionGuards(throttle, hashing,
                    idle, new LookupTimes(limits.lookupTime())));
            // One set of connection caps for every client transport (TCP, WebSocket, BOSH).
            ConnectionCaps caps = new ConnectionCaps(settings.c2s().limits());
            C2sContext c2sContext = new C2sContext(settings, tls, tcp, caps, sessions);
            node.c2s = C2sServer.start(c2sContext, system);
            if (settings.http().enabled()) {
                node.http = NodeHttp.start(settings, tls, system, sessions, webSocket, bosh, caps, uploadRoute, badges, clock);
            }
            node.resources.add(components);
            if (remotes != null) {
                node.resources.add(Federation.start(settings.s2s(), settings.bind(), settings.c2s().maxDepth(),
                    settings.c2s().limits(), system,
                    sharding, router, remotes, tls, clusterSecret, metrics, clock));
            }
            node.resources.add(AdminServer.start(new AdminServer.Deps(settings,
                AdminToken.createIn(settings.dataDir(), settings.admin().token()), accounts, counter::sessions,
                storage.diagnostics(), pruner, readiness, registry, node::reloadCertificates)));
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

    /** The per-session features of every bound stream, in the order their hooks run. */
    private static List<SessionExtension.Factory> sessionExtensions(CsiSettings csi) {
        List<SessionExtension.Factory> all = new ArrayList<>();
        all.add(BlockingFilter::new);
        all.addAll(ClientStateIndication.factories(csi));
        return all;
    }

    static Set<String> plus(Set<String> s, String... more) {
        Set<String> out = new TreeSet<>(s);
        out.addAll(List.of(more));
        return out;
    }
}
