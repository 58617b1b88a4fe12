package chorus.node.cli;

import chorus.node.config.Settings;
import chorus.node.storage.NodeStorage;
import chorus.persistence.backup.Backup;
import chorus.persistence.backup.BackupException;
import chorus.persistence.backup.BackupKey;
import chorus.persistence.backup.KeyspaceRestore;
import chorus.persistence.cassandra.CassandraSessions;
import chorus.persistence.cassandra.CassandraSettings;
import chorus.persistence.cassandra.LocalCassandra;
import chorus.persistence.cassandra.Schema;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * chorusctl backup: encrypted backups straight from and to Cassandra (no node needs to run; the cluster may).
 * With the single-machine setup and no node running, the local Cassandra is started for the command and
 * stopped after it.
 */
@Command(name = "backup", description = "Encrypted backups of every account's data (AES-256-GCM; see README, Backups).",
    subcommands = {BackupCommand.Create.class, BackupCommand.Restore.class, BackupCommand.Keygen.class})
final class BackupCommand {
    static final String PASSPHRASE_ENV = "CHORUS_BACKUP_PASSPHRASE";

    /** Where the key comes from, and which Cassandra and keyspace. */
    static class Common {
        @Option(names = "--key-file", paramLabel = "FILE", description = "a key made by chorusctl backup keygen")
        Path keyFile;
        @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "a file whose first line is the passphrase (or set " + PASSPHRASE_ENV + ")")
        Path passphraseFile;
        @Option(names = "--contact-points", description = "host:port[,host:port...] (default: the configured ones)")
        String contactPoints;
        @Option(names = "--keyspace", description = "the keyspace (default: chorus.cassandra.keyspace)")
        String keyspace;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        BackupKey key() throws IOException {
            String env = System.getenv(PASSPHRASE_ENV);
            int given = (keyFile != null ? 1 : 0) + (passphraseFile != null ? 1 : 0) + (env != null && !env.isEmpty() ? 1 : 0);
            if (given != 1) {
                throw new Chorusctl.Failure("give exactly one of --key-file, --passphrase-file, " + PASSPHRASE_ENV);
            }
            if (keyFile != null) {
                return BackupKey.readKeyFile(keyFile);
            }
            String pass = passphraseFile != null
                ? Files.readAllLines(passphraseFile, StandardCharsets.UTF_8).stream().findFirst().orElse("") : env;
            if (pass.length() < 12) {
                throw new Chorusctl.Failure("the passphrase must have at least 12 characters");
            }
            return new BackupKey.Passphrase(pass.toCharArray());
        }

        /** Runs {@code work} with a session on the configured (or given) Cassandra. */
        <T> T withCassandra(Work<T> work) throws IOException {
            Config config = NodeStorage.withEnvironmentContactPoints(ConfigFactory.load());
            CassandraSettings settings = CassandraSettings.from(config);
            if (contactPoints != null) {
                List<InetSocketAddress> points = new ArrayList<>();
                for (String p : contactPoints.split(",")) {
                    points.add(CassandraSettings.contactPoint(p.trim()));
                }
                settings = settings.withContactPoints(points);
            }
            if (keyspace != null) {
                settings = settings.withKeyspace(keyspace);
            }
            LocalCassandra started = null;
            if (settings.usesLocalNode()) {
                Chorusctl root = Chorusctl.root(spec);
                Path dataDir = root.dataDir != null ? root.dataDir.toAbsolutePath() : Settings.from(ConfigFactory.load()).dataDir();
                if (!answers(settings.local().cqlPort())) {
                    out().println("starting the local Cassandra of " + dataDir + " for this command");
                    started = LocalCassandra.start(settings.local(), dataDir.resolve("cassandra"));
                }
                settings = settings.withContactPoints(List.of(new InetSocketAddress("127.0.0.1", settings.local().cqlPort())));
            }
            try (CqlSession session = CassandraSessions.open(settings, config)) {
                return work.run(session, settings);
            } finally {
                if (started != null) {
                    started.close();
                }
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        static boolean answers(int port) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    interface Work<T> {
        T run(CqlSession session, CassandraSettings settings) throws IOException;
    }

    @Command(name = "create", description = "Stream every account's data from Cassandra into FILE, encrypted as it is "
        + "read (the cluster may keep running). FILE must not exist.")
    static final class Create extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws IOException {
            BackupKey key = key();
            Path target = file.toAbsolutePath();
            if (Files.exists(target)) {
                throw new Chorusctl.Failure(target + " exists; choose a new name");
            }
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Backup.Summary s = withCassandra((session, settings) -> {
                int version = 0;
                for (Row r : session.execute("SELECT version FROM " + settings.keyspace() + ".schema_version")) {
                    version = Math.max(version, r.getInt(0));
                }
                // Only ciphertext reaches the disk: the file is encrypted as it is written.
                try (OutputStream out = Files.newOutputStream(Files.createFile(partial,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                        StandardOpenOption.WRITE)) {
                    return Backup.create(session, settings.keyspace(), version, out, key, Clock.systemUTC());
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                }
            });
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new Chorusctl.Failure(target + " appeared meanwhile; the backup is in " + partial);
            }
            out().println("backed up keyspace " + s.keyspace() + " to " + target + ": " + s.total() + " rows " + s.rows());
            return 0;
        }
    }

    @Command(name = "restore", description = "Check every chunk of FILE (a changed or cut file is refused before anything "
        + "is written), then write its rows into an empty keyspace, creating the schema. Offline messages and "
        + "archived messages keep their original expiry; those whose time is over are not restored. No node "
        + "needs to run; start the nodes afterwards.")
    static final class Restore extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws IOException {
            BackupKey key = key();
            Backup.Summary checked;
            try (InputStream in = Files.newInputStream(file)) {
                checked = Backup.verify(in, key);
            } catch (BackupException e) {
                throw new Chorusctl.Failure(e.getMessage());
            }
            out().println("checked " + file + ": made " + checked.createdAt() + " from keyspace " + checked.keyspace()
                + ", " + checked.total() + " rows");
            Backup.Summary s = withCassandra((session, settings) -> {
                Schema.of(settings).apply(session);
                KeyspaceRestore target = new KeyspaceRestore(session, settings.keyspace(), Clock.systemUTC());
                try {
                    target.requireEmpty();
                } catch (BackupException e) {
                    throw new Chorusctl.Failure(e.getMessage());
                }
                try (InputStream in = Files.newInputStream(file)) {
                    return Backup.restore(in, key, target);
                }
            });
            out().println("restored " + (s.total() - s.expired()) + " rows into keyspace "
                + (keyspace != null ? keyspace : "the configured one") + " (" + s.expired() + " expired rows left out)");
            return 0;
        }
    }

    @Command(name = "keygen", description = "Write a new random backup key to FILE (readable by you only). Keep it "
        + "apart from the backups: without it they cannot be read.")
    static final class Keygen implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE") Path file;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try {
                BackupKey.writeNewKeyFile(file);
            } catch (FileAlreadyExistsException e) {
                throw new Chorusctl.Failure(file + " exists; a key file is never overwritten");
            }
            spec.commandLine().getOut().println("wrote a new backup key to " + file);
            return 0;
        }
    }
}
