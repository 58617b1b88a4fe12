package chorus.actors.feature.adhoc;

import chorus.actors.ManualClock;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.Xml;
import chorus.actors.feature.admin.AdminCommands;
import chorus.actors.feature.admin.ServerAdmin;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0050 and XEP-0133 at the server, with the XEPs' own examples (shakespeare.lit, the admin bard). */
class AdHocHandlerTest {
    static final DomainJid DOMAIN = new DomainJid("shakespeare.lit");
    static final String GLOBE = "bard@shakespeare.lit/globe";

    final ManualClock clock = new ManualClock(Instant.parse("2004-04-08T03:37:00Z"));
    final FakeAdmin admin = new FakeAdmin();
    final AdHocHandler handler = new AdHocHandler(
        new AdminCommands(admin, DOMAIN, Set.of(new BareJid("bard", "shakespeare.lit"))).all(),
        new CommandSessions(clock, Duration.ofMinutes(10), 1000, 5));

    /** Records what the commands asked for; answers as the test says. */
    static final class FakeAdmin implements ServerAdmin {
        final List<String> calls = new ArrayList<>();
        Result result = Result.DONE;

        @Override
        public CompletionStage<Result> addUser(BareJid account, String password) {
            calls.add("add " + account + " " + password);
            return CompletableFuture.completedFuture(result);
        }

        @Override
        public CompletionStage<Result> deleteUser(BareJid account) {
            calls.add("delete " + account);
            return CompletableFuture.completedFuture(account.local().equals("ghost") ? Result.NO_SUCH_ACCOUNT : result);
        }

        @Override
        public CompletionStage<Result> changePassword(BareJid account, String password) {
            calls.add("passwd " + account + " " + password);
            return CompletableFuture.completedFuture(result);
        }

        @Override
        public CompletionStage<Integer> registeredUsers() {
            return CompletableFuture.completedFuture(123);
        }

        @Override
        public CompletionStage<Integer> onlineUsers() {
            return CompletableFuture.completedFuture(79);
        }

        @Override
        public CompletionStage<Integer> announce(String subject, String body) {
            calls.add("announce " + subject + "|" + body);
            return CompletableFuture.completedFuture(3);
        }

        @Override
        public CompletionStage<Integer> endSessions(Jid account) {
            calls.add("end " + account);
            return CompletableFuture.completedFuture(2);
        }
    }

    /** The handler's answer, waited for when it comes later. */
    Iq answer(String xml) {
        Iq iq = Xml.iq(xml);
        assertTrue(handler.owns(iq), "not owned: " + xml);
        IqResult r = handler.handle(iq, IqContext.server(DOMAIN, clock));
        if (r instanceof IqResult.Later later) {
            return later.reply().toCompletableFuture().join();
        }
        return ((IqResult.Reply) r).reply();
    }

    static Element command(Iq answer) {
        assertEquals(Iq.Type.RESULT, answer.type(), "not a result: " + answer.payload());
        return answer.payload().orElseThrow();
    }

    static String execute(String from, String id, String node) {
        return "<iq from='" + from + "' id='" + id + "' to='shakespeare.lit' type='set' xml:lang='en'>"
            + "<command xmlns='http://jabber.org/protocol/commands' action='execute' node='" + node + "'/></iq>";
    }

    static String submit(String id, String node, String sessionid, String fields) {
        return "<iq from='" + GLOBE + "' id='" + id + "' to='shakespeare.lit' type='set' xml:lang='en'>"
            + "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "' sessionid='" + sessionid + "'>"
            + "<x xmlns='jabber:x:data' type='submit'><field type='hidden' var='FORM_TYPE'>"
            + "<value>http://jabber.org/protocol/admin</value></field>" + fields + "</x></command></iq>";
    }

    static String field(String var, String... values) {
        StringBuilder b = new StringBuilder("<field var='" + var + "'>");
        for (String v : values) {
            b.append("<value>").append(v).append("</value>");
        }
        return b.append("</field>").toString();
    }

    static StanzaError.Condition condition(Iq answer) {
        assertEquals(Iq.Type.ERROR, answer.type());
        return StanzaError.conditionOf(answer);
    }

    static String specific(Iq answer) {
        return answer.child("error", "jabber:client").orElseThrow().childIn(AdHocHandler.NS).map(Element::name)
            .orElse(null);
    }

    /** Stage one of a command with a form: its session id, after checking the form came with it. */
    String open(String node, String... fields) {
        Element c = command(answer(execute(GLOBE, "stage-1", AdminCommands.PREFIX + node)));
        assertEquals("executing", c.attr("status"));
        assertEquals(AdminCommands.PREFIX + node, c.attr("node"));
        Element form = c.child("x", DataForm.NS).orElseThrow();
        assertEquals("form", form.attr("type"));
        assertEquals("http://jabber.org/protocol/admin", DataForm.values(form).get("FORM_TYPE").get(0));
        for (String f : fields) {
            assertTrue(DataForm.values(form).containsKey(f), "no field " + f);
        }
        assertEquals("complete", c.child("actions", AdHocHandler.NS).orElseThrow().attr("execute"));
        String sessionid = c.attr("sessionid");
        assertTrue(sessionid.startsWith(node + ":"), sessionid);
        return sessionid;
    }

    @Test
    void anAdminFindsTheCommandsInDiscoAndEachNodeDescribesItself() {
        Element items = answer("<iq type='get' from='" + GLOBE + "' to='shakespeare.lit' id='d1'>"
            + "<query xmlns='http://jabber.org/protocol/disco#items' node='http://jabber.org/protocol/commands'/></iq>")
            .payload().orElseThrow();
        List<String> nodes = items.elements("item", "http://jabber.org/protocol/disco#items").stream()
            .peek(i -> assertEquals("shakespeare.lit", i.attr("jid")))
            .map(i -> i.attr("node")).toList();
        assertEquals(List.of("add-user", "delete-user", "end-user-session", "change-user-password",
            "get-registered-users-num", "get-online-users-num", "announce").stream().map(n -> AdminCommands.PREFIX + n)
            .toList(), nodes);
        Element info = answer("<iq type='get' from='" + GLOBE + "' to='shakespeare.lit' id='d2'>"
            + "<query xmlns='http://jabber.org/protocol/disco#info' node='http://jabber.org/protocol/admin#add-user'/></iq>")
            .payload().orElseThrow();
        Element identity = info.child("identity", "http://jabber.org/protocol/disco#info").orElseThrow();
        assertEquals("automation", identity.attr("category"));
        assertEquals("command-node", identity.attr("type"));
        List<String> features = info.elements("feature", "http://jabber.org/protocol/disco#info").stream()
            .map(f -> f.attr("var")).toList();
        assertTrue(features.containsAll(List.of(AdHocHandler.NS, DataForm.NS)));
    }

    @Test
    void someoneElseSeesNoCommandAndMayRunNone() {
        String romeo = "romeo@shakespeare.lit/orchard";
        Element items = answer("<iq type='get' from='" + romeo + "' to='shakespeare.lit' id='d1'>"
            + "<query xmlns='http://jabber.org/protocol/disco#items' node='http://jabber.org/protocol/commands'/></iq>")
            .payload().orElseThrow();
        assertTrue(items.elements().isEmpty());
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, condition(answer("<iq type='get' from='" + romeo
            + "' to='shakespeare.lit' id='d2'><query xmlns='http://jabber.org/protocol/disco#info' "
            + "node='http://jabber.org/protocol/admin#add-user'/></iq>")));
        for (String node : List.of("add-user", "get-online-users-num", "announce")) {
            assertEquals(StanzaError.Condition.FORBIDDEN,
                condition(answer(execute(romeo, "x", AdminCommands.PREFIX + node))));
        }
        assertTrue(admin.calls.isEmpty());
    }

    @Test
    void addUserAsXep0133Section41Shows() {
        String sessionid = open("add-user", "accountjid", "password", "password-verify", "email", "given_name", "surname");
        Element done = command(answer(submit("add-user-2", "http://jabber.org/protocol/admin#add-user", sessionid,
            field("accountjid", "juliet@shakespeare.lit") + field("password", "R0m30")
                + field("password-verify", "R0m30") + field("email", "juliet@capulet.com")
                + field("given_name", "Juliet") + field("surname", "Capulet"))));
        assertEquals("completed", done.attr("status"));
        assertEquals(sessionid, done.attr("sessionid"));
        assertEquals(List.of("add juliet@shakespeare.lit R0m30"), admin.calls);
        // The session ended with its completion: its id is not accepted again.
        assertEquals("bad-sessionid", specific(answer(submit("add-user-3", "http://jabber.org/protocol/admin#add-user",
            sessionid, field("accountjid", "nurse@shakespeare.lit") + field("password", "x")))));
    }

    @Test
    void addingAnAccountThatExistsIsAConflictAndPasswordsThatDifferABadRequest() {
        admin.result = ServerAdmin.Result.EXISTS;
        String node = "http://jabber.org/protocol/admin#add-user";
        assertEquals(StanzaError.Condition.CONFLICT, condition(answer(submit("a", node, open("add-user"),
            field("accountjid", "juliet@shakespeare.lit") + field("password", "R0m30")))));
        Iq differ = answer(submit("b", node, open("add-user"), field("accountjid", "nurse@shakespeare.lit")
            + field("password", "R0m30") + field("password-verify", "R0m31")));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(differ));
        assertEquals("bad-payload", specific(differ));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(answer(submit("c", node, open("add-user"),
            field("accountjid", "juliet@capulet.lit") + field("password", "R0m30")))));
        assertEquals(1, admin.calls.size());
    }

    @Test
    void deleteUserAsSection42ShowsAndAMissingAccountIsNamedInANote() {
        String sessionid = open("delete-user", "accountjids");
        Element done = command(answer(submit("delete-user-2", "http://jabber.org/protocol/admin#delete-user", sessionid,
            field("accountjids", "juliet@shakespeare.lit", "ghost@shakespeare.lit"))));
        assertEquals("completed", done.attr("status"));
        List<Element> notes = done.elements("note", AdHocHandler.NS);
        assertEquals("info", notes.get(0).attr("type"));
        assertTrue(notes.get(0).text().contains("juliet@shakespeare.lit"));
        assertEquals("warn", notes.get(1).attr("type"));
        assertTrue(notes.get(1).text().contains("ghost@shakespeare.lit"));
        assertEquals(List.of("delete juliet@shakespeare.lit", "delete ghost@shakespeare.lit"), admin.calls);
    }

    @Test
    void endUserSessionTakesBareAndFullAddressesAsSection45Says() {
        String sessionid = open("end-user-session", "accountjids");
        Element done = command(answer(submit("end-user-session-2", "http://jabber.org/protocol/admin#end-user-session",
            sessionid, field("accountjids", "juliet@shakespeare.lit", "romeo@shakespeare.lit/orchard"))));
        assertEquals("completed", done.attr("status"));
        assertEquals(List.of("end juliet@shakespeare.lit", "end romeo@shakespeare.lit/orchard"), admin.calls);
    }

    @Test
    void changeUserPasswordAsSection47ShowsAndAnUnknownAccountIsItemNotFound() {
        String node = "http://jabber.org/protocol/admin#change-user-password";
        Element done = command(answer(submit("change-user-password-2", node, open("change-user-password",
            "accountjid", "password"), field("accountjid", "juliet@shakespeare.lit") + field("password", "V3r0n4"))));
        assertEquals("completed", done.attr("status"));
        assertEquals(List.of("passwd juliet@shakespeare.lit V3r0n4"), admin.calls);
        admin.result = ServerAdmin.Result.NO_SUCH_ACCOUNT;
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, condition(answer(submit("c", node,
            open("change-user-password"), field("accountjid", "nobody@shakespeare.lit") + field("password", "x")))));
    }

    @Test
    void theNumbersComeAtOnceAsSections413And415Show() {
        Element registered = command(answer(execute(GLOBE, "get-registered-users-num-1",
            "http://jabber.org/protocol/admin#get-registered-users-num")));
        assertEquals("completed", registered.attr("status"));
        assertNotNull(registered.attr("sessionid"));
        assertEquals(List.of("123"), DataForm.values(registered.child("x", DataForm.NS).orElseThrow())
            .get("registeredusersnum"));
        Element online = command(answer(execute(GLOBE, "get-online-users-num-1",
            "http://jabber.org/protocol/admin#get-online-users-num")));
        Element form = online.child("x", DataForm.NS).orElseThrow();
        assertEquals("result", form.attr("type"));
        assertEquals(Map.of("FORM_TYPE", List.of("http://jabber.org/protocol/admin"), "onlineusersnum", List.of("79")),
            DataForm.values(form));
    }

    @Test
    void anAnnouncementsLinesBecomeOneMessageAsSection423Shows() {
        Element done = command(answer(submit("announce-2", "http://jabber.org/protocol/admin#announce", open("announce",
            "announcement"), field("announcement", "Attention! This service will be going down for",
            "maintenance in 2 minutes. Please log off now!", "We apologize for the inconvenience."))));
        assertEquals("completed", done.attr("status"));
        assertEquals(List.of("announce null|Attention! This service will be going down for\n"
            + "maintenance in 2 minutes. Please log off now!\nWe apologize for the inconvenience."), admin.calls);
        assertTrue(done.child("note", AdHocHandler.NS).orElseThrow().text().contains("3"));
    }

    @Test
    void aSessionBelongsToItsRequesterEndsWhenCanceledAndExpires() {
        String node = "http://jabber.org/protocol/admin#announce";
        String sessionid = open("announce");
        String otherResource = "<iq from='bard@shakespeare.lit/study' id='o' to='shakespeare.lit' type='set'>"
            + "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "' sessionid='" + sessionid
            + "'><x xmlns='jabber:x:data' type='submit'>" + field("announcement", "hi") + "</x></command></iq>";
        assertEquals("bad-sessionid", specific(answer(otherResource)));
        Element canceled = command(answer("<iq from='" + GLOBE + "' id='c' to='shakespeare.lit' type='set'>"
            + "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "' sessionid='" + sessionid
            + "' action='cancel'/></iq>"));
        assertEquals("canceled", canceled.attr("status"));
        assertEquals("bad-sessionid", specific(answer(submit("s", node, sessionid, field("announcement", "hi")))));

        String later = open("announce");
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        Iq expired = answer(submit("e", node, later, field("announcement", "hi")));
        assertEquals(StanzaError.Condition.NOT_ALLOWED, condition(expired));
        assertEquals("session-expired", specific(expired));
        assertTrue(admin.calls.isEmpty());
    }

    @Test
    void badActionsAndPayloadsGetXep0050sErrors() {
        String node = "http://jabber.org/protocol/admin#announce";
        Iq malformed = answer("<iq from='" + GLOBE + "' id='m' to='shakespeare.lit' type='set'>"
            + "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "' action='jump'/></iq>");
        assertEquals("malformed-action", specific(malformed));
        String sessionid = open("announce");
        Iq noForm = answer("<iq from='" + GLOBE + "' id='n' to='shakespeare.lit' type='set'>"
            + "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "' sessionid='" + sessionid
            + "'/></iq>");
        assertEquals("bad-payload", specific(noForm));
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, condition(answer(execute(GLOBE, "u",
            "http://jabber.org/protocol/admin#restart"))));
        Iq get = answer("<iq from='" + GLOBE + "' id='g' to='shakespeare.lit' type='get'>"
            + "<command xmlns='http://jabber.org/protocol/commands' node='" + node + "'/></iq>");
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(get));
    }

    @Test
    void theSessionsStayBoundedPerRequesterAndPerNode() {
        CommandSessions sessions = new CommandSessions(clock, Duration.ofMinutes(10), 8, 3);
        Jid bard = Jid.parse(GLOBE);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(sessions.open(bard, "n"));
        }
        assertEquals(3, sessions.size());
        assertEquals(CommandSessions.Lookup.UNKNOWN, sessions.find(ids.get(0), bard, "n"));
        assertEquals(CommandSessions.Lookup.FOUND, sessions.find(ids.get(4), bard, "n"));
        for (int i = 0; i < 20; i++) {
            sessions.open(Jid.parse("user" + i + "@shakespeare.lit/r"), "n");
        }
        assertEquals(8, sessions.size());
        assertFalse(ids.stream().anyMatch(id -> sessions.find(id, bard, "n") == CommandSessions.Lookup.FOUND));
    }
}
