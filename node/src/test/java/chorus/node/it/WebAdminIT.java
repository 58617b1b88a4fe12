package chorus.node.it;

import chorus.node.admin.AdminToken;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web admin in a real browser (headless Chromium through the DevTools protocol) against a real node:
 * log in with the token, look at the cluster, add, find, re-key and remove an account (checked with a real
 * XMPP client), read the day's diagnostics and the configuration; no page shows an address or the token.
 * Screenshots of each page are kept in node/target/web-admin-screenshots/.
 */
class WebAdminIT {
    static final Path SHOTS = Path.of("target", "web-admin-screenshots");
    static final Pattern ADDRESS = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
    static TestNode node;
    static String base;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.admins", List.of("oberon@chorus.test")));
        node.createUser("oberon", "fairy-king");
        node.createUser("hermia", "pw-hermia");
        node.createUser("helena", "pw-helena");
        base = "http://127.0.0.1:" + node.node().settings().adminPort();
        token = AdminToken.readFrom(node.dataDir()).value();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static void assertShowsNoAddressNorToken(Chromium b) throws Exception {
        String html = b.html();
        assertFalse(ADDRESS.matcher(html).find(), "an address on " + b.url() + ":\n" + html);
        assertFalse(html.contains(token), "the admin token on " + b.url());
    }

    @Test
    void anAdminManagesAccountsInABrowser() throws Exception {
        // A failed delivery for the diagnostics page.
        XMPPTCPConnection hermia = Clients.login(node, "hermia", "pw-hermia", "wood");
        hermia.sendStanza(StanzaBuilder.buildMessage("lost").to(JidCreate.entityBareFrom("puck@chorus.test"))
            .ofType(Message.Type.chat).setBody("where art thou").build());
        try (Chromium b = Chromium.start()) {
            b.open(base + "/admin/");
            assertTrue(b.url().endsWith("/admin/login"), b.url());
            b.screenshot(SHOTS.resolve("01-login.png"));

            b.type("#secret", "not-the-token");
            b.submit("#login");
            assertTrue(b.text("#error").contains("Wrong token"), b.html());

            b.type("#secret", token);
            b.submit("#login");
            assertTrue(b.url().endsWith("/admin/"), b.url());
            assertTrue(b.text("#members").contains("(this node)"), b.text("#members"));
            assertTrue(b.text("#members").contains("Up"));
            assertTrue(b.text("#summary").contains("Client sessions"));
            assertShowsNoAddressNorToken(b);
            b.screenshot(SHOTS.resolve("02-overview.png"));

            b.open(base + "/admin/users");
            b.type("#add-jid", "lysander");
            b.type("#add-password", "first-love");
            b.submit("#add-submit");
            assertTrue(b.text("#flash").contains("created lysander@chorus.test"), b.text("#flash"));
            b.screenshot(SHOTS.resolve("03-user-added.png"));
            Clients.login(node, "lysander", "first-love", "x").disconnect();

            b.type("#q", "hel");
            b.submit("#search-submit");
            String results = b.text("#results");
            assertTrue(results.contains("helena@chorus.test") && !results.contains("hermia"), results);
            assertShowsNoAddressNorToken(b);
            b.screenshot(SHOTS.resolve("04-search.png"));

            b.open(base + "/admin/users?q=lysander");
            b.type("#password-0", "second-love");
            b.submit("#password-submit-0");
            assertTrue(b.text("#flash").contains("password set for lysander@chorus.test"), b.text("#flash"));
            Clients.login(node, "lysander", "second-love", "x").disconnect();

            b.click("#confirm-0");
            b.submit("#remove-submit-0");
            assertTrue(b.text("#flash").contains("removed lysander@chorus.test"), b.text("#flash"));
            b.screenshot(SHOTS.resolve("05-user-removed.png"));
            XMPPTCPConnection gone = new XMPPTCPConnection(Clients.config(node, "lysander", "second-love").build());
            gone.connect();
            assertThrows(SASLErrorException.class, gone::login);
            gone.disconnect();

            MessagingIT.awaitTrue(() -> {
                b.open(base + "/admin/diagnostics");
                return b.text("#records").contains("puck@chorus.test");
            }, "the failed delivery on the diagnostics page");
            assertFalse(b.html().contains("where art thou"), "a message body on the diagnostics page");
            assertShowsNoAddressNorToken(b);
            b.screenshot(SHOTS.resolve("06-diagnostics.png"));

            b.open(base + "/admin/config");
            String config = b.text("#config");
            assertTrue(config.contains("chorus.domain") && config.contains("chorus.test"), config);
            assertTrue(config.contains("chorus.admin.token"), config);
            assertShowsNoAddressNorToken(b);
            b.screenshot(SHOTS.resolve("07-config.png"));

            b.submit("header button");
            assertTrue(b.url().endsWith("/admin/login"), b.url());
            b.open(base + "/admin/users");
            assertTrue(b.url().endsWith("/admin/login"), "logged out, yet " + b.url());
        } finally {
            hermia.disconnect();
        }
    }

    @Test
    void anAdminAccountLogsInWithItsPasswordAndOtherAccountsCannot() throws Exception {
        try (Chromium b = Chromium.start()) {
            b.open(base + "/admin/login");
            b.type("#user", "hermia@chorus.test");
            b.type("#secret", "pw-hermia");
            b.submit("#login");
            assertTrue(b.text("#error").contains("not an admin account"), b.html());

            b.type("#user", "oberon");
            b.type("#secret", "fairy-king");
            b.submit("#login");
            assertTrue(b.url().endsWith("/admin/"), b.url());
            b.screenshot(SHOTS.resolve("08-admin-account.png"));
        }
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenOrFromAnotherSiteIsRefused() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("secret=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly"));
        assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("SameSite=Strict"));

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/users")).header("Cookie", cookie)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        String csrf = page.body().replaceAll("(?s).*name=\"csrf\" value=\"([0-9a-f]+)\".*", "$1");

        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/users/add"))
            .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("jid=forged&password=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noToken.statusCode());
        HttpResponse<String> otherSite = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/users/add"))
            .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", "http://evil.example")
            .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&jid=forged&password=x")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(403, otherSite.statusCode());
        HttpResponse<String> good = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/users/add"))
            .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&jid=titania&password=queen")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(303, good.statusCode(), "the control: a form with the token goes through");
        assertFalse(node.node().accounts().list().toCompletableFuture().join().contains("forged@chorus.test"));
        assertTrue(node.node().accounts().list().toCompletableFuture().join().contains("titania@chorus.test"));
    }
}
