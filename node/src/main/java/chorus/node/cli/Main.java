package chorus.node.cli;

import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.node.ChorusNode;
import chorus.node.FatalErrors;
import chorus.node.config.Settings;
import chorus.node.config.SettingsException;
import chorus.node.tls.TlsSetupException;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.BindException;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Starts a node in the foreground; SIGINT/SIGTERM stop it cleanly. */
@Command(name = "chorus", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Run a Chorus XMPP node. Settings come from HOCON (-Dconfig.file=...) and CHORUS_* environment variables.")
public final class Main implements Callable<Integer> {

    @Option(names = "--create-admin", description = "create admin@DOMAIN with a random password when it does not exist, and print the password once")
    boolean createAdmin;

    @Option(names = {"-v", "--verbose"}, description = "show INFO logs on the console too (they always go to data-dir/logs)")
    boolean verbose;

    public static void main(String[] args) {
        // Before any SSLContext exists: JSSE reads it once. TLS 1.2 renegotiation asked for by a client is
        // refused (a client could make the server redo handshakes at will); TLS 1.3 has none.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        asyncCallbacksOnCommonPool();
        FatalErrors.installHandler();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /**
     * Before anything uses a CompletableFuture: with fewer than 3 cores the common pool has one thread, and
     * CompletableFuture's *Async methods without an executor then start a new thread per callback. Scala's
     * future-to-CompletionStage wrapper (which every Pekko ask and pipeToSelf goes through) runs all its callbacks
     * that way: on a 2-core machine each login started ~4 threads (JFR, issue 18). Two threads keep them pooled.
     */
    static void asyncCallbacksOnCommonPool() {
        String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(parallelism, "2");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Settings settings;
        try {
            settings = Settings.from(ConfigFactory.load());
        } catch (SettingsException | ConfigException e) {
            System.err.println("chorus: " + e.getMessage());
            return 2;
        }
        // Logs go to data-dir/logs (logback reads these when the first logger is made, which is after here).
        if (verbose && System.getProperty("chorus.log.console") == null) {
            System.setProperty("chorus.log.console", "INFO");
        }
        if (System.getProperty("chorus.log.dir") == null) {
            System.setProperty("chorus.log.dir", settings.dataDir().resolve("logs").toString());
        }
        ChorusNode node;
        try {
            node = ChorusNode.start(settings);
        } catch (BindException e) {
            System.err.println("chorus: cannot listen on a configured port (" + e.getMessage()
                + "); change CHORUS_C2S_PORT / CHORUS_C2S_TLS_PORT / CHORUS_ONION_PORT / CHORUS_ADMIN_PORT");
            return 2;
        } catch (TlsSetupException | SettingsException e) {
            System.err.println("chorus: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            // However the stop goes (a Cassandra that does not answer, a thread stuck after an error), the
            // process ends by the deadline, so that its supervisor can start it again.
            Thread deadline = new Thread(() -> {
                try {
                    Thread.sleep(settings.shutdownDeadline().toMillis());
                    FatalErrors.halt("the node did not stop within chorus.shutdown-deadline ("
                        + settings.shutdownDeadline().toSeconds() + " s)");
                } catch (InterruptedException stoppedInTime) {
                    // the node stopped
                }
            }, "chorus-shutdown-deadline");
            deadline.setDaemon(true);
            deadline.start();
            if (Boolean.getBoolean("chorus.test.stall-shutdown")) {
                stallForTest();
            }
            node.close();
            stopped.countDown();
        }, "chorus-shutdown"));
        // Downed by the cluster (the split brain resolver, or another node's decision): the actor system
        // stopped under us; the process exits so that its supervisor (systemd, Kubernetes) restarts it.
        node.system().getWhenTerminated().thenRun(() -> {
            if (!stopping.get()) {
                System.err.println("chorus: this node left the cluster (downed); exiting");
                System.exit(3);
            }
        });

        reloadOnHangup(node);

        out.println("Chorus " + Version.current() + " is running");
        out.println("  domain:        " + settings.domain());
        out.println("  client ports:  " + settings.c2s().port() + " (STARTTLS), " + settings.c2s().tlsPort() + " (direct TLS)");
        out.println("  certificate:   SHA-256 " + node.tls().fingerprintSha256());
        out.println("  data dir:      " + settings.dataDir());
        if (createAdmin) {
            printAdmin(node, settings, out);
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        while (!stopped.await(1, TimeUnit.HOURS)) {
            // runs until the shutdown hook has stopped the node
        }
        return 0;
    }

    /** A node that forms or joins a cluster is a member a while after it started (a first seed waits for the others). */
    static final java.time.Duration MEMBERSHIP_WAIT = java.time.Duration.ofMinutes(3);

    /**
     * SIGHUP reads the TLS certificate and key again (a renewal hook: {@code systemctl reload chorus}, or
     * {@code kill -HUP}); a bad file is logged and the current certificate stays.
     */
    private static void reloadOnHangup(ChorusNode node) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                try {
                    node.reloadCertificates();
                } catch (TlsSetupException e) {
                    System.err.println("chorus: the certificate was not reloaded (the current one stays): " + e.getMessage());
                }
            });
        } catch (IllegalArgumentException e) {
            System.err.println("chorus: no SIGHUP on this platform; reload certificates with chorusctl cert reload");
        }
    }

    /** ShutdownDeadlineIT's stuck stop: blocks as a close waiting on something that never answers would. */
    private static void stallForTest() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The password goes to the terminal only: it is not logged and not stored (only its SCRAM keys are). */
    private static void printAdmin(ChorusNode node, Settings settings, PrintStream out) throws InterruptedException {
        // The account lives in a sharded entity: it can be made once this node is a member of its cluster.
        org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(node.system());
        long deadline = System.nanoTime() + MEMBERSHIP_WAIT.toNanos();
        while (cluster.selfMember().status() != org.apache.pekko.cluster.MemberStatus.up() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        BareJid admin = new BareJid("admin", settings.domain().toString());
        String password = randomPassword();
        UserEntity.AccountReply r = null;
        boolean retried = false;
        // While shards move (a node joining, or others restarting) the account's entity may answer late: ask again
        // until the wait ends. A try that timed out may have made the account: then the retry finds it, with this
        // password.
        while (r == null) {
            try {
                r = node.accounts().create(admin, password).toCompletableFuture().join();
                if (retried && !(r instanceof UserEntity.AccountReply.Done)) {
                    chorus.actors.account.Credentials made = node.accounts().credentials(admin).toCompletableFuture().join();
                    if (made != null && made.verifyPlain(password)) {
                        r = new UserEntity.AccountReply.Done();
                    }
                }
            } catch (java.util.concurrent.CompletionException e) {
                r = null;
                retried = true;
                if (System.nanoTime() >= deadline) {
                    out.println("  admin account: " + admin + " could not be checked now (" + e.getCause().getClass()
                        .getSimpleName() + "); make it with scripts/chorusctl user add");
                    return;
                }
            }
        }
        if (r instanceof UserEntity.AccountReply.Done) {
            out.println("  admin account: " + admin + "  password: " + password + "   (shown once; change it with scripts/chorusctl user passwd)");
        } else {
            out.println("  admin account: " + admin + " exists (its password was shown when it was created)");
        }
    }

    private static String randomPassword() {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
