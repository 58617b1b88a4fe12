package chorus.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code chorusctl invite [--contact-of JID]}: an invitation (XEP-0401) through the running node's admin API. It prints
 * the xmpp: URI to give the invitee (the token appears nowhere else) and until when it is valid.
 */
@Command(name = "invite", description = "Make an invitation that lets one person register, even when registration is closed.")
final class InviteCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = "--contact-of", paramLabel = "JID",
        description = "the new account and this account become mutual contacts (XEP-0379)") String inviter;

    @Override
    public Integer call() {
        ObjectNode body = new ObjectMapper().createObjectNode();
        if (inviter != null) {
            body.put("inviter", inviter);
        }
        JsonNode r = Chorusctl.root(spec).call("POST", "/v1/invites", body);
        spec.commandLine().getOut().println(r.path("uri").asText());
        spec.commandLine().getOut().println("valid until " + r.path("expires").asText());
        return 0;
    }
}
