package chorus.node.it;

import chorus.node.cli.Chorusctl;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin's command line against a running node. */
class ChorusctlIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    record Result(int code, String out, String err) {
    }

    static Result ctl(String... args) {
        return ctlAt(node.dataDir(), node.node().settings().adminPort(), args);
    }

    static Result ctlAt(Path dataDir, int port, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir=" + dataDir;
        all[1] = "--admin-port=" + port;
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Chorusctl.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void anAccountCreatedWithChorusctlCanLogInAndIsListed() throws Exception {
        Result r = ctl("user", "add", "carol@chorus.test", "s3cret");
        assertEquals(0, r.code(), r.err());
        assertTrue(ctl("user", "list").out().contains("carol@chorus.test"));
        Clients.login(node, "carol", "s3cret", "x").disconnect();
        Result again = ctl("user", "add", "carol", "other");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("account exists"), again.err());
    }

    @Test
    void afterAPasswordChangeOnlyTheNewPasswordWorks() throws Exception {
        assertEquals(0, ctl("user", "add", "dave", "old-pass").code());
        assertEquals(0, ctl("user", "passwd", "dave", "new-pass").code());
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "dave", "old-pass").build());
        try {
            c.connect();
            assertThrows(SASLErrorException.class, c::login);
        } finally {
            c.disconnect();
        }
        Clients.login(node, "dave", "new-pass", "x").disconnect();
    }

    @Test
    void aRemovedAccountCannotLogInAndIsNotListed() throws Exception {
        assertEquals(0, ctl("user", "add", "erin", "pw").code());
        XMPPTCPConnection online = Clients.login(node, "erin", "pw", "x");
        assertEquals(0, ctl("user", "remove", "erin").code());
        MessagingIT.awaitTrue(() -> !online.isConnected(), "the removed user's session was closed");
        assertFalse(ctl("user", "list").out().contains("erin@"));
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "erin", "pw").build());
        try {
            c.connect();
            assertThrows(SASLErrorException.class, c::login);
        } finally {
            c.disconnect();
        }
        Result missing = ctl("user", "remove", "erin");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such account"), missing.err());
    }

    @Test
    void sessionsAreCountedWithoutAddresses() throws Exception {
        assertEquals(0, ctl("user", "add", "frank", "pw").code());
        XMPPTCPConnection c = Clients.login(node, "frank", "pw", "x");
        try {
            Result r = ctl("sessions");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().matches("(?s)sessions: [1-9][0-9]*\\s*"), r.out());
            assertFalse(r.out().contains("127.0.0.1"));
        } finally {
            c.disconnect();
        }
    }

    @Test
    void anInvalidAddressIsRefusedWithAClearMessage() {
        Result r = ctl("user", "add", "bad@@chorus.test", "pw");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("invalid account address"), r.err());
        Result other = ctl("user", "add", "someone@elsewhere.example", "pw");
        assertEquals(1, other.code());
    }

    @Test
    void schemaApplyCreatesTheTablesOnceAndIsIdempotent() {
        String ks = TestCassandra.newKeyspace();
        String cp = "--contact-points=127.0.0.1:" + TestCassandra.cqlPort();
        Result first = ctl("schema", "apply", cp, "--keyspace=" + ks);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("applied [schema/V1__pekko_persistence.cql"), first.out());
        Result second = ctl("schema", "apply", cp, "--keyspace=" + ks);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("is up to date"), second.out());
    }

    @Test
    void withNoNodeRunningItSaysSo() throws Exception {
        Path empty = Files.createTempDirectory("chorus-none");
        Result r = ctlAt(empty, TestNode.freePort(), "user", "list");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no node has run with data directory"), r.err());
        Files.writeString(empty.resolve("admin.token"), "x");
        Result r2 = ctlAt(empty, TestNode.freePort(), "user", "list");
        assertEquals(1, r2.code());
        assertTrue(r2.err().contains("no Chorus node answers"), r2.err());
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        Path other = Files.createTempDirectory("chorus-token");
        Files.writeString(other.resolve("admin.token"), "not-the-token");
        Result r = ctlAt(other, node.node().settings().adminPort(), "user", "list");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("admin token"), r.err());
    }
}
