package chorus.node.portable;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.node.admin.AccountService;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every account of the domain as an XEP-0227 document, read from the accounts' entities (the children their
 * features export, a page at a time) and mailboxes: the SCRAM keys (never a password), roster and pending
 * subscription requests, vCard, private XML, block list, PEP nodes, and the offline messages that still wait, each
 * stamped with its arrival. The accounts are taken one by one from the account directory; the document is written as
 * it goes.
 */
public final class PortableExport {
    private static final Logger log = LoggerFactory.getLogger(PortableExport.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AccountService accounts;
    private final ClusterSharding sharding;
    private final String domain;

    public PortableExport(AccountService accounts, ClusterSharding sharding, String domain) {
        this.accounts = accounts;
        this.sharding = sharding;
        this.domain = domain;
    }

    /** Writes the document to {@code out} (closed at the end); the number of accounts written. */
    public int run(OutputStream out) throws IOException {
        int n = 0;
        try (PieWriter writer = new PieWriter(out, domain)) {
            for (String account : accounts.list().toCompletableFuture().join()) {
                BareJid jid = BareJid.parseBare(account);
                List<Element> children = children(jid);
                if (children != null) {
                    children.addAll(offline(jid));
                    writer.user(jid.local(), children);
                    n++;
                }
            }
        }
        log.info("XEP-0227 export: {} accounts", n);
        return n;
    }

    /** The account's children of {@code <user/>}, or null when it is gone. */
    private List<Element> children(BareJid jid) {
        List<Element> all = new ArrayList<>();
        int from = 0;
        do {
            int at = from;
            UserEntity.Exported page = sharding.entityRefFor(UserEntity.KEY, jid.toString())
                .<UserEntity.Exported>ask(r -> new UserEntity.ExportAccount(at, r), TIMEOUT)
                .toCompletableFuture().join();
            if (page.children() == null) {
                return null;
            }
            all.addAll(page.children());
            from = page.next();
        } while (from >= 0);
        return all;
    }

    private List<Element> offline(BareJid jid) {
        List<Element> messages = new ArrayList<>();
        long after = 0;
        do {
            long from = after;
            MailboxEntity.Waiting page = sharding.entityRefFor(MailboxEntity.KEY, jid.toString())
                .<MailboxEntity.Waiting>ask(r -> new MailboxEntity.Peek(from, r), TIMEOUT)
                .toCompletableFuture().join();
            page.messages().forEach(m -> messages.add(OfflineMessages.toElement(m, domain)));
            after = page.next();
        } while (after >= 0);
        if (messages.isEmpty()) {
            return List.of();
        }
        return List.of(Element.build("offline-messages", PieReader.NS).children(messages).get());
    }
}
