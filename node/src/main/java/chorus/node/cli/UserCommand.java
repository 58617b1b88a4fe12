package chorus.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code chorusctl user add|remove|passwd|list}: accounts, through the running node's admin API. */
@Command(name = "user", description = "Manage accounts.",
    subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.Passwd.class,
        UserCommand.List.class})
final class UserCommand {

    @Command(name = "add", description = "Create an account.")
    static final class Add implements Callable<Integer> {
        @CommandLine.ParentCommand UserCommand parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "JID", description = "user@domain, or just the user name") String jid;
        @Parameters(index = "1", paramLabel = "PASSWORD", description = "the password, or - to read it from standard input") String password;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = new ObjectMapper().createObjectNode();
            body.put("jid", jid);
            body.put("password", Chorusctl.password(password));
            Chorusctl.root(spec).call("POST", "/v1/users", body);
            spec.commandLine().getOut().println("created " + jid);
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an account and all its data.")
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "JID") String jid;

        @Override
        public Integer call() {
            Chorusctl.root(spec).call("DELETE", "/v1/users/" + Chorusctl.enc(jid), null);
            spec.commandLine().getOut().println("removed " + jid);
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set an account's password.")
    static final class Passwd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "JID") String jid;
        @Parameters(index = "1", paramLabel = "PASSWORD", description = "the new password, or - to read it from standard input") String password;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = new ObjectMapper().createObjectNode();
            body.put("password", Chorusctl.password(password));
            Chorusctl.root(spec).call("PUT", "/v1/users/" + Chorusctl.enc(jid) + "/password", body);
            spec.commandLine().getOut().println("password changed for " + jid);
            return 0;
        }
    }

    @Command(name = "list", description = "List the accounts (for the admin only).")
    static final class List implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = Chorusctl.root(spec).call("GET", "/v1/users", null);
            for (JsonNode u : r.path("users")) {
                spec.commandLine().getOut().println(u.asText());
            }
            return 0;
        }
    }
}
