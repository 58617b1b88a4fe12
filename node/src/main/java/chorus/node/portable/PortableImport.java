package chorus.node.portable;

import chorus.actors.account.Credentials;
import chorus.actors.account.PortableCredentials;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.JidMalformedException;
import chorus.node.admin.AccountService;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Imports an XEP-0227 document into the domain, one account at a time, through the accounts' entities (the same
 * events the server builds, see UserEntity.ImportAccount) and mailboxes. An account that exists is left as it is.
 * SCRAM keys are taken as they are; a plaintext password (ejabberd's default storage exports them) is turned into
 * SCRAM keys off the actor threads and goes no further. Nothing of the file is logged.
 */
public final class PortableImport {
    private static final Logger log = LoggerFactory.getLogger(PortableImport.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The most weight of {@code <user/>} children one message to an entity carries (under the cluster's 1 MiB frame). */
    static final int PART_WEIGHT = 200_000;
    /** One element that cannot be split and is larger than this cannot be carried. */
    static final int MAX_ELEMENT_WEIGHT = 600_000;
    static final int MAX_NOTES = 200;

    /** What an import did: counts, and notes on what it left out (never a value, never a password). */
    public record Summary(int users, int imported, int existing, int skipped, int offline, int expired,
                          List<String> notes) {
    }

    private final AccountService accounts;
    private final ClusterSharding sharding;
    private final String domain;
    private final Clock clock;

    public PortableImport(AccountService accounts, ClusterSharding sharding, String domain, Clock clock) {
        this.accounts = accounts;
        this.sharding = sharding;
        this.domain = domain;
        this.clock = clock;
    }

    public Summary run(InputStream document) throws IOException {
        Counts c = new Counts();
        PieReader.read(document, new PieReader.Listener() {
            @Override
            public void user(String host, Element user) {
                c.users++;
                importUser(host, user, c);
            }

            @Override
            public void note(String note) {
                c.note(note);
            }
        });
        for (String mechanism : List.of("SCRAM-SHA-1", "SCRAM-SHA-256")) {
            long n = c.partial.stream().filter(mechanism::equals).count();
            if (n > 0) {
                c.note(n + " account(s) came with " + mechanism + " keys only: they log in with " + mechanism
                    + " or PLAIN (the other SCRAM mechanism fails as a wrong password does) until the password is set again");
            }
        }
        log.info("XEP-0227 import: {} users, {} imported, {} existing, {} skipped, {} offline messages", c.users,
            c.imported, c.existing, c.skipped, c.offline);
        return new Summary(c.users, c.imported, c.existing, c.skipped, c.offline, c.expired, List.copyOf(c.notes));
    }

    private static final class Counts {
        int users;
        int imported;
        int existing;
        int skipped;
        int offline;
        int expired;
        final Set<String> notes = new LinkedHashSet<>();
        /** The one mechanism of each account imported with the keys of one hash only. */
        final List<String> partial = new ArrayList<>();

        void note(String n) {
            if (notes.size() < MAX_NOTES) {
                notes.add(n);
            }
        }
    }

    private void importUser(String host, Element user, Counts c) {
        if (!domain.equals(host)) {
            c.skipped++;
            c.note("host " + host + " is not this server's domain (" + domain + "): its users were left out");
            return;
        }
        BareJid jid;
        try {
            jid = new BareJid(user.attr("name") == null ? "" : user.attr("name"), domain);
        } catch (JidMalformedException e) {
            c.skipped++;
            c.note("a user whose name is no valid localpart was left out");
            return;
        }
        Credentials credentials;
        try {
            credentials = credentials(user);
        } catch (IllegalArgumentException e) {
            c.skipped++;
            c.note(jid + " was left out: " + e.getMessage());
            return;
        }
        List<Element> children = new ArrayList<>();
        List<Element> offline = new ArrayList<>();
        for (Element e : user.elements()) {
            if (e.name().equals("offline-messages") && PieReader.NS.equals(e.ns()) || e.is("offline-messages", PieReader.LEGACY_NS)) {
                offline.addAll(e.elements());
            } else if (e.weight() > MAX_ELEMENT_WEIGHT && !Parts.splittable(e)) {
                c.note(jid + ": <" + e.name() + " xmlns='" + e.ns() + "'> is too large to carry and was left out");
            } else {
                children.add(e);
            }
        }
        List<List<Element>> parts = Parts.of(children, PART_WEIGHT);
        for (int i = 0; i < parts.size(); i++) {
            UserEntity.Imported r = ask(jid, i == 0 ? credentials : null, parts.get(i));
            if (r instanceof UserEntity.Imported.Refused refused) {
                if (i == 0 && refused.condition().equals("conflict")) {
                    c.existing++;
                    c.note(jid + " exists here and was left as it is");
                } else {
                    c.skipped++;
                    c.note(jid + " was not imported (" + refused.condition() + ")");
                }
                return;
            }
            for (String note : ((UserEntity.Imported.Done) r).notes()) {
                c.note(jid + ": " + note);
            }
        }
        c.imported++;
        if (!credentials.complete()) {
            c.partial.add(credentials.sha1() != null ? "SCRAM-SHA-1" : "SCRAM-SHA-256");
        }
        restoreOffline(jid, offline, c);
    }

    /** The account's SCRAM keys, or keys made from its plaintext password; neither: IllegalArgumentException. */
    private Credentials credentials(Element user) {
        Credentials keys = PortableCredentials.fromElements(user.elements());
        if (keys != null) {
            return keys;
        }
        String password = user.attr("password");
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("it has neither SCRAM keys of SCRAM-SHA-1 or -256 nor a password");
        }
        try {
            return accounts.credentials(password).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw new IllegalArgumentException("its password cannot be used here");
        }
    }

    private UserEntity.Imported ask(BareJid jid, Credentials credentials, List<Element> part) {
        return sharding.entityRefFor(UserEntity.KEY, jid.toString())
            .<UserEntity.Imported>ask(r -> new UserEntity.ImportAccount(credentials, part, r), TIMEOUT)
            .toCompletableFuture().join();
    }

    private void restoreOffline(BareJid jid, List<Element> messages, Counts c) {
        for (Element e : messages) {
            OfflineMessages.Waiting w;
            try {
                w = OfflineMessages.fromElement(e, jid, clock.instant());
            } catch (IllegalArgumentException bad) {
                c.note(jid + ": an offline message that is no message was left out");
                continue;
            }
            MailboxEntity.StoreReply r = sharding.entityRefFor(MailboxEntity.KEY, jid.toString())
                .<MailboxEntity.StoreReply>ask(reply -> new MailboxEntity.Restore(w.message(), w.arrivedAt(), reply),
                    TIMEOUT)
                .toCompletableFuture().join();
            if (r instanceof MailboxEntity.StoreReply.Stored) {
                c.offline++;
            } else if (((MailboxEntity.StoreReply.Refused) r).condition().equals("item-not-found")) {
                c.expired++;
            } else {
                c.note(jid + ": its mailbox is full; later offline messages were left out");
            }
        }
    }
}
