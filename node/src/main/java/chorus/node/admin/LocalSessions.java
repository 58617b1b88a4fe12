package chorus.node.admin;

import chorus.actors.ClusterMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.node.c2s.SessionCounter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One per node, registered with the cluster's receptionist: the admin commands reach every node's bound sessions
 * through it (XEP-0133 online count and announcements). No address leaves the node: the online accounts travel as
 * digests salted for the one request, so the asker can count each account once, however many nodes it is on.
 */
public final class LocalSessions {
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "chorus-local-sessions");

    /** Beyond this many online accounts a node answers with its count only (the message stays small). */
    static final int MAX_DIGESTS = 100_000;

    public sealed interface Command extends ClusterMessage {
    }

    /** The accounts with a bound session on this node, as 64-bit digests salted with {@code salt}. */
    public record CountOnline(String salt, ActorRef<Online> replyTo) implements Command {
    }

    /** {@code digests} is null when there were more than {@link #MAX_DIGESTS}: then only {@code accounts} counts. */
    public record Online(long[] digests, int accounts) implements ClusterMessage {
        @Override
        public String toString() {
            return "Online[" + accounts + "]";
        }
    }

    /** A headline from the domain to every bound resource of this node. */
    public record Announce(String domain, String subject, String body, ActorRef<Announced> replyTo) implements Command {
        @Override
        public String toString() {
            return "Announce[" + domain + "]";
        }
    }

    public record Announced(int resources) implements ClusterMessage {
    }

    private LocalSessions() {
    }

    public static Behavior<Command> create(SessionCounter sessions) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(c -> {
                if (c instanceof CountOnline count) {
                    Set<BareJid> accounts = sessions.accounts();
                    count.replyTo().tell(new Online(accounts.size() > MAX_DIGESTS ? null
                        : digests(accounts, count.salt()), accounts.size()));
                } else {
                    Announce a = (Announce) c;
                    DomainJid from = new DomainJid(a.domain());
                    List<Node> children = new ArrayList<>();
                    if (a.subject() != null) {
                        children.add(Element.build("subject", Ns.CLIENT).text(a.subject()).get());
                    }
                    children.add(Element.build("body", Ns.CLIENT).text(a.body()).get());
                    int n = sessions.toEachBound(to -> new Message(from, to, null, Message.Type.HEADLINE, null, children));
                    a.replyTo().tell(new Announced(n));
                }
                return Behaviors.same();
            });
        });
    }

    static long[] digests(Set<BareJid> accounts, String salt) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] out = new long[accounts.size()];
        int i = 0;
        for (BareJid j : accounts) {
            sha.update(salt.getBytes(StandardCharsets.UTF_8));
            byte[] d = sha.digest(j.toString().getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | (d[k] & 0xff);
            }
            out[i++] = v;
        }
        return out;
    }
}
