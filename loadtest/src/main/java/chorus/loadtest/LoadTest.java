package chorus.loadtest;

import chorus.loadtest.client.Connector;
import chorus.loadtest.provision.ChorusAdmin;
import chorus.loadtest.provision.InBandRegistration;
import chorus.loadtest.provision.ProvisionResult;
import chorus.loadtest.report.Comparison;
import chorus.loadtest.report.TextSummary;
import chorus.loadtest.scenario.Chat;
import chorus.loadtest.scenario.Groupchat;
import chorus.loadtest.scenario.IdleSessions;
import chorus.loadtest.scenario.LoginStorm;
import chorus.loadtest.scenario.Mixed;
import chorus.loadtest.scenario.Offline;
import chorus.loadtest.scenario.PresenceStorm;
import chorus.loadtest.scenario.Scenario;
import chorus.loadtest.scenario.Sweep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The load generator's command line: one subcommand per scenario, plus provisioning and comparison. */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
    description = "Measures an XMPP server: sessions held, login rate, message rate and latency.",
    subcommands = {LoadTest.Login.class, LoadTest.Idle.class, LoadTest.ChatCmd.class, LoadTest.SweepCmd.class,
        LoadTest.Presence.class, LoadTest.OfflineCmd.class, LoadTest.MixedCmd.class, LoadTest.MucCmd.class,
        LoadTest.Provision.class, FailoverCommand.class,
        LoadTest.Compare.class, chorus.loadtest.capacity.CapacityCommand.class})
public final class LoadTest {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new LoadTest());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("loadtest: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        });
        System.exit(cl.execute(args));
    }

    /** Runs a scenario and prints its summary; exit code 0 when it ran to its end. */
    abstract static class ScenarioCommand implements Callable<Integer> {
        @Mixin
        TargetOptions target;
        @Mixin
        RunOptions run;

        abstract Scenario scenario();

        @Override
        public Integer call() throws Exception {
            Runner.Outcome o = Runner.run(target, run, scenario(), System.err);
            System.out.print(TextSummary.render(o.report()));
            System.out.println("reports: " + o.directory().resolve("summary.txt") + ", result.json, report.html");
            return o.completed() ? 0 : 1;
        }
    }

    @Command(name = "login", description = "A connection storm: every account logs in once, at --login-rate.")
    static final class Login extends ScenarioCommand {
        @Option(names = "--stay", description = "keep the sessions open until the end (default: end each once bound)")
        boolean stay;

        @Override
        Scenario scenario() {
            return new LoginStorm(stay);
        }
    }

    @Command(name = "idle", description = "Holds a session per account: the server's memory per session.")
    static final class Idle extends ScenarioCommand {
        @Option(names = "--hold", description = "seconds to hold the sessions (default ${DEFAULT-VALUE})")
        int hold = 30;
        @Option(names = "--keepalive", description = "seconds between whitespace keepalives, 0 for none (default ${DEFAULT-VALUE})")
        int keepalive = 0;
        @Option(names = "--no-presence", description = "send no initial presence")
        boolean noPresence;
        @Option(names = "--settle", description = "seconds between the last login and the memory figures (default ${DEFAULT-VALUE})")
        int settle = 5;

        @Override
        Scenario scenario() {
            return new IdleSessions(Duration.ofSeconds(hold), Duration.ofSeconds(keepalive), !noPresence,
                Duration.ofSeconds(settle));
        }
    }

    @Command(name = "chat", description = "One-to-one messages at a total rate between random online users.")
    static final class ChatCmd extends ScenarioCommand {
        @Option(names = "--rate", description = "messages per second in total (default ${DEFAULT-VALUE})")
        double rate = 100;
        @Option(names = "--duration", description = "seconds measured (default ${DEFAULT-VALUE})")
        int duration = 30;
        @Option(names = "--warmup", description = "seconds at the rate before measuring (default ${DEFAULT-VALUE})")
        int warmup = 5;
        @Option(names = "--drain", description = "seconds to wait for messages in flight (default ${DEFAULT-VALUE})")
        int drain = 10;
        @Option(names = "--body-size", description = "body length in characters, at least the payload (default ${DEFAULT-VALUE})")
        int bodySize = 100;

        @Override
        Scenario scenario() {
            return new Chat(rate, Duration.ofSeconds(duration), Duration.ofSeconds(warmup), Duration.ofSeconds(drain), bodySize);
        }
    }

    @Command(name = "sweep", description = "Chat at rising rates until p99 or loss breaks its limit: the maximum sustainable rate.")
    static final class SweepCmd extends ScenarioCommand {
        @Option(names = "--start-rate", description = "first step's messages per second (default ${DEFAULT-VALUE})")
        double start = 100;
        @Option(names = "--factor", description = "each step's rate is the last one's times this (default ${DEFAULT-VALUE})")
        double factor = 1.5;
        @Option(names = "--max-rate", description = "highest rate tried (default ${DEFAULT-VALUE})")
        double max = 100_000;
        @Option(names = "--step", description = "seconds per step (default ${DEFAULT-VALUE})")
        int step = 15;
        @Option(names = "--drain", description = "seconds to wait for a step's messages in flight (default ${DEFAULT-VALUE})")
        int drain = 5;
        @Option(names = "--p99-limit", description = "a step holds while its p99 latency is below this, ms (default ${DEFAULT-VALUE})")
        double p99 = 100;
        @Option(names = "--loss-limit", description = "a step holds while lost/sent is at most this (default ${DEFAULT-VALUE})")
        double loss = 0;
        @Option(names = "--refine", description = "bisection steps after the first failure (default ${DEFAULT-VALUE})")
        int refine = 2;
        @Option(names = "--body-size", description = "body length in characters (default ${DEFAULT-VALUE})")
        int bodySize = 100;
        @Option(names = "--increment", description = "each step's rate is the last one's plus this instead, when above 0 (default ${DEFAULT-VALUE})")
        double increment = 0;

        @Override
        Scenario scenario() {
            return new Sweep(start, factor, max, Duration.ofSeconds(step), Duration.ofSeconds(drain), p99, loss, refine, bodySize,
                increment);
        }
    }

    @Command(name = "presence", description = "Rosters of K contacts; a logout and login storm; status changes at a rate.")
    static final class Presence extends ScenarioCommand {
        @Option(names = "--contacts", description = "contacts per user, even (default ${DEFAULT-VALUE})")
        int contacts = 10;
        @Option(names = "--rate", description = "status changes per second (default ${DEFAULT-VALUE})")
        double rate = 50;
        @Option(names = "--duration", description = "seconds of status changes (default ${DEFAULT-VALUE})")
        int duration = 20;
        @Option(names = "--churn", description = "share of the changes that are a logout and login instead (default ${DEFAULT-VALUE})")
        double churn = 0.1;
        @Option(names = "--drain", description = "seconds to wait for presences in flight (default ${DEFAULT-VALUE})")
        int drain = 10;
        @Option(names = "--roster-timeout", description = "seconds to wait for the rosters to be made (default ${DEFAULT-VALUE})")
        int rosterTimeout = 300;

        @Override
        Scenario scenario() {
            return new PresenceStorm(contacts, rate, Duration.ofSeconds(duration), churn, Duration.ofSeconds(drain),
                Duration.ofSeconds(rosterTimeout));
        }
    }

    @Command(name = "offline", description = "Messages to offline users, collected when they log in.")
    static final class OfflineCmd extends ScenarioCommand {
        @Option(names = "--messages", description = "messages per offline user (default ${DEFAULT-VALUE})")
        int messages = 5;
        @Option(names = "--rate", description = "messages per second while storing (default ${DEFAULT-VALUE})")
        double rate = 200;
        @Option(names = "--drain", description = "seconds to wait for the stored messages after the logins (default ${DEFAULT-VALUE})")
        int drain = 15;

        @Override
        Scenario scenario() {
            return new Offline(messages, rate, Duration.ofSeconds(drain));
        }
    }

    @Command(name = "mixed", description = "A blend: chats, presence changes, roster edits, logins and logouts.")
    static final class MixedCmd extends ScenarioCommand {
        @Option(names = "--rate", description = "events per second in total (default ${DEFAULT-VALUE})")
        double rate = 100;
        @Option(names = "--duration", description = "seconds (default ${DEFAULT-VALUE})")
        int duration = 30;
        @Option(names = "--online", description = "share of the users online (default ${DEFAULT-VALUE})")
        double online = 0.8;
        @Option(names = "--mix", description = "weights chat,presence,roster,churn (default ${DEFAULT-VALUE})", split = ",")
        List<Integer> mix = List.of(70, 15, 10, 5);
        @Option(names = "--drain", description = "seconds to wait for messages in flight (default ${DEFAULT-VALUE})")
        int drain = 10;

        @Override
        Mixed scenario() {
            if (mix.size() != 4) {
                throw new IllegalArgumentException("--mix takes four weights: chat,presence,roster,churn");
            }
            return new Mixed(rate, Duration.ofSeconds(duration), online, mix.get(0), mix.get(1), mix.get(2), mix.get(3),
                Duration.ofSeconds(drain));
        }
    }

    @Command(name = "muc", description = "Chat rooms (XEP-0045): users split into rooms, groupchat messages at a total rate.")
    static final class MucCmd extends ScenarioCommand {
        @Option(names = "--rooms", description = "rooms; the users are split evenly, at least 2 per room (default ${DEFAULT-VALUE})")
        int rooms = 10;
        @Option(names = "--rate", description = "groupchat messages per second in total (default ${DEFAULT-VALUE})")
        double rate = 20;
        @Option(names = "--duration", description = "seconds measured (default ${DEFAULT-VALUE})")
        int duration = 30;
        @Option(names = "--drain", description = "seconds to wait for deliveries in flight (default ${DEFAULT-VALUE})")
        int drain = 10;
        @Option(names = "--body-size", description = "body length in characters, at least the payload (default ${DEFAULT-VALUE})")
        int bodySize = 100;
        @Option(names = "--service", description = "the chat service's address (default: conference.DOMAIN)")
        String service;

        @Override
        Scenario scenario() {
            return new Groupchat(rooms, rate, Duration.ofSeconds(duration), Duration.ofSeconds(drain), bodySize, service);
        }
    }

    @Command(name = "provision", description = "Creates the accounts: through a Chorus node's admin API, or by in-band registration (XEP-0077).")
    static final class Provision implements Callable<Integer> {
        @Mixin
        TargetOptions target;
        @Option(names = "--chorus-admin", paramLabel = "URL", description = "the node's admin API, e.g. http://127.0.0.1:5290")
        String chorusAdmin;
        @Option(names = "--chorus-token", paramLabel = "FILE", description = "the node's admin token (DATA_DIR/admin.token)")
        Path chorusToken;
        @Option(names = "--in-band", description = "register in-band instead, on the --target servers")
        boolean inBand;
        @Option(names = "--parallel", description = "requests in flight (default ${DEFAULT-VALUE})")
        int parallel = 8;

        @Override
        public Integer call() throws Exception {
            ProvisionResult r;
            int n = target.users;
            java.util.function.IntConsumer progress = done -> {
                if (done % 1000 == 0 || done == n) {
                    System.err.printf(Locale.ROOT, "provision: %d/%d%n", done, n);
                }
            };
            if (inBand) {
                try (Connector c = target.connector(target.clientConfig())) {
                    r = InBandRegistration.registerAll(c, target.accounts(), parallel, progress);
                }
            } else {
                if (chorusAdmin == null || chorusToken == null) {
                    throw new IllegalArgumentException("give --chorus-admin and --chorus-token, or --in-band");
                }
                r = ChorusAdmin.of(chorusAdmin, chorusToken).createAll(target.accounts(), parallel, progress);
            }
            System.out.println("provision " + target.accounts() + ": " + r);
            return r.failed() == 0 ? 0 : 1;
        }
    }

    @Command(name = "compare", description = "Puts runs side by side (result.json files): figures and ratios, text and HTML.")
    static final class Compare implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "RESULT.json")
        List<Path> files;
        @Option(names = "--html", description = "also write this HTML page with bar charts")
        Path html;

        @Override
        public Integer call() throws Exception {
            Comparison c = Comparison.of(files);
            System.out.print(c.text());
            if (html != null) {
                c.writeHtml(html);
                System.out.println("comparison: " + html);
            }
            return 0;
        }
    }
}
