package chorus.node.storage;

import chorus.node.config.SettingsException;
import chorus.actors.mailbox.MailboxEntity;
import chorus.persistence.accounts.AccountDirectory;
import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchiveTable;
import chorus.persistence.archive.CassandraArchiveStore;
import chorus.persistence.archive.InMemoryArchiveStore;
import chorus.persistence.mailbox.MailboxRows;
import chorus.persistence.diagnostics.CassandraDiagnosticsStore;
import chorus.persistence.diagnostics.DiagnosticsStore;
import chorus.persistence.diagnostics.InMemoryDiagnosticsStore;
import chorus.persistence.accounts.CassandraAccountDirectory;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import chorus.persistence.cassandra.CassandraSessions;
import chorus.persistence.cassandra.CassandraSettings;
import chorus.persistence.cassandra.LocalCassandra;
import chorus.persistence.cassandra.MailboxTable;
import chorus.persistence.cassandra.Schema;
import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The storage a node runs on, opened before its actor system: with {@code chorus.storage = cassandra}
 * (the default) the Pekko journal and snapshots and Chorus's own tables live in Cassandra, on the
 * configured cluster or, with no contact points, on a local Cassandra node that this node starts and
 * stops; {@code memory} keeps everything in memory (lost at exit; for development only).
 */
public final class NodeStorage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeStorage.class);

    private final Config systemConfig;
    private final AccountDirectory directory;
    private final CqlSession session;
    private final LocalCassandra local;
    private final CassandraSettings cassandra;
    private DiagnosticsStore diagnostics;
    private chorus.persistence.mailbox.NoticeStore notices;
    private ArchiveStore archive;
    private chorus.persistence.invites.InviteStore invites;

    private NodeStorage(Config systemConfig, AccountDirectory directory, CqlSession session, LocalCassandra local,
                        CassandraSettings cassandra) {
        this.systemConfig = systemConfig;
        this.directory = directory;
        this.session = session;
        this.local = local;
        this.cassandra = cassandra;
    }

    public static NodeStorage open(Config config, Path dataDir, Clock clock) throws IOException, InterruptedException {
        return open(config, dataDir, clock, null);
    }

    /** Opens the storage; the driver session reports its metrics to {@code registry} (null: nowhere). */
    public static NodeStorage open(Config config, Path dataDir, Clock clock, MeterRegistry registry)
        throws IOException, InterruptedException {
        String kind = config.getString("chorus.storage");
        switch (kind) {
            case "memory":
                log.warn("chorus.storage = memory: accounts and rosters are lost when the node stops");
                return new NodeStorage(memoryConfig().withFallback(config), new InMemoryAccountDirectory(), null, null, null);
            case "cassandra":
                return cassandra(config, dataDir, clock, registry);
            default:
                throw new SettingsException("chorus.storage", "must be cassandra or memory, not '" + kind + "'");
        }
    }

    private static Config memoryConfig() {
        return ConfigFactory.parseMap(Map.of(
            "pekko.persistence.journal.plugin", "pekko.persistence.journal.inmem",
            "pekko.persistence.snapshot-store.plugin", "pekko.persistence.no-snapshot-store",
            "chorus.user.snapshot-every", 0,
            "chorus.user.erased-before-reuse", false));
    }

    /** The configuration with CHORUS_CASSANDRA_CONTACT_POINTS (one comma-separated string) applied. */
    public static Config withEnvironmentContactPoints(Config config) {
        String fromEnv = config.getString("chorus.cassandra-contact-points-env");
        if (fromEnv.isBlank()) {
            return config;
        }
        return ConfigFactory.parseMap(Map.of("chorus.cassandra.contact-points",
            List.of(fromEnv.trim().split("\\s*,\\s*")))).withFallback(config);
    }

    private static NodeStorage cassandra(Config given, Path dataDir, Clock clock, MeterRegistry registry) throws IOException, InterruptedException {
        Config config = withEnvironmentContactPoints(given);
        CassandraSettings settings;
        try {
            settings = CassandraSettings.from(config);
        } catch (ConfigException e) {
            throw new SettingsException("chorus.cassandra", e.getMessage());
        }
        LocalCassandra local = null;
        if (settings.usesLocalNode()) {
            log.info("no Cassandra contact points configured: starting a local Cassandra node under {}",
                dataDir.resolve("cassandra"));
            local = LocalCassandra.start(settings.local(), dataDir.resolve("cassandra"));
            log.info("local Cassandra answers on {} after {} ms", local.contactPoint(), local.startupTime().toMillis());
            settings = settings.withContactPoints(List.of(local.contactPoint()));
        }
        CqlSession session;
        try {
            session = connect(settings, config, registry);
            Schema.of(settings).apply(session);
            MailboxTable.configure(session, settings.keyspace(), config.getDuration("chorus.offline.retention"),
                config.getDuration("chorus.offline.gc-grace"));
            ArchiveTable.configure(session, settings.keyspace(), config.getDuration("chorus.mam.retention"),
                config.getDuration("chorus.mam.gc-grace"));
            chorus.persistence.cassandra.ExpiringTable.configure(session, settings.keyspace(),
                chorus.persistence.mailbox.CassandraNoticeStore.TABLE, "chorus.registration.notice-retention",
                chorus.actors.mailbox.MailboxSettings.from(config).noticeRetention(),
                config.getDuration("chorus.offline.gc-grace"));
            chorus.persistence.cassandra.ExpiringTable.configure(session, settings.keyspace(),
                CassandraDiagnosticsStore.TABLE, "chorus.diagnostics.retention",
                config.getDuration("chorus.diagnostics.retention"), config.getDuration("chorus.diagnostics.gc-grace"));
        } catch (RuntimeException | InterruptedException e) {
            if (local != null) {
                local.close();
            }
            throw e;
        }
        Config pekko = CassandraSessions.pekkoOverrides(settings).withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.persistence.journal.plugin", "pekko.persistence.cassandra.journal",
            "pekko.persistence.snapshot-store.plugin", "pekko.persistence.cassandra.snapshot",
            "chorus.mailbox-store.journal.keyspace", settings.keyspace(),
            "chorus.mailbox-store.snapshot.keyspace", settings.keyspace(),
            // The mailboxes' plugin instance is a copy of the plugin's block made before these overrides.
            "chorus.mailbox-store.events-by-tag.enabled", false,
            "chorus.offline.journal-plugin", "chorus.mailbox-store.journal")));
        return new NodeStorage(pekko.withFallback(config), new CassandraAccountDirectory(session, settings.keyspace(), clock),
            session, local, settings);
    }

    /** Waits for Cassandra as long as it takes (the driver reconnects), saying so in the log. */
    private static CqlSession connect(CassandraSettings settings, Config config, MeterRegistry registry)
        throws InterruptedException {
        CompletableFuture<CqlSession> pending = CassandraSessions.openAsync(settings, config, registry).toCompletableFuture();
        long waited = 0;
        while (true) {
            try {
                return pending.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                waited += 10;
                log.warn("Cassandra at {} does not answer yet ({} s); still trying", settings.contactPoints(), waited);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot connect to Cassandra: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** The configuration the actor system runs with: the journal plugin and its session settings. */
    public Config systemConfig() {
        return systemConfig;
    }

    public AccountDirectory directory() {
        return directory;
    }

    /** The driver session for Chorus's own tables; null in memory mode. */
    public CqlSession session() {
        return session;
    }

    public CassandraSettings cassandra() {
        return cassandra;
    }

    public LocalCassandra local() {
        return local;
    }

    /** Where delivery-failure records go: the delivery_errors table, or memory. */
    public synchronized DiagnosticsStore diagnostics() {
        if (diagnostics == null) {
            diagnostics = session == null ? new InMemoryDiagnosticsStore()
                : new CassandraDiagnosticsStore(session, cassandra.keyspace(),
                    systemConfig.getDuration("chorus.diagnostics.retention"));
        }
        return diagnostics;
    }

    /** Where server notices to offline admins keep their text: the mailbox_notices table, or memory. */
    public synchronized chorus.persistence.mailbox.NoticeStore notices(Clock clock) {
        if (notices == null) {
            notices = session == null ? new chorus.persistence.mailbox.InMemoryNoticeStore(clock)
                : new chorus.persistence.mailbox.CassandraNoticeStore(session, cassandra.keyspace());
        }
        return notices;
    }

    /** Where open invitations live (hashed tokens, XEP-0401): the invites tables, or memory. */
    public synchronized chorus.persistence.invites.InviteStore invites(Clock clock) {
        if (invites == null) {
            invites = session == null ? new chorus.persistence.invites.InMemoryInviteStore(clock)
                : new chorus.persistence.invites.CassandraInviteStore(session, cassandra.keyspace(), clock);
        }
        return invites;
    }

    /** Where the users' message archives live (XEP-0313): the message_archive table, or memory. */
    public synchronized ArchiveStore archive(Clock clock) {
        if (archive == null) {
            archive = session == null
                ? new InMemoryArchiveStore(clock, systemConfig.getDuration("chorus.mam.retention"))
                : new CassandraArchiveStore(session, cassandra.keyspace());
        }
        return archive;
    }

    /** Erases delivered offline messages' rows at once (Cassandra); nothing to do in memory. */
    public MailboxEntity.RowEraser mailboxRowEraser() {
        if (session == null) {
            return MailboxEntity.RowEraser.NONE;
        }
        MailboxRows rows = new MailboxRows(session, cassandra.keyspace(),
            systemConfig.getLong("chorus.mailbox-store.journal.target-partition-size"));
        return rows::eraseUpTo;
    }

    /** Closes the session and stops the local Cassandra (cleanly: it drains). */
    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        if (local != null) {
            local.close();
        }
    }
}
