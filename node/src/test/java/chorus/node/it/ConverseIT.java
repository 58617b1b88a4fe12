package chorus.node.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real web client against a real node: Converse.js (npm {@code converse.js}, fetched by scripts/test.sh) in headless
 * Chromium logs in over WebSocket, and in a second browser over BOSH, chats both ways with a Smack client over TCP,
 * joins a room and talks in it. The page comes from a {@link ConversePage} on 127.0.3.1 whose origin is the node's one
 * allowed origin; the browser is told to accept the node's test certificate. Messages are typed into Converse's text
 * areas and read from its DOM. Screenshots of each session (the chat, then the room or the failure) are kept in
 * node/target/artifacts/converse-{websocket,bosh}-{chat,room}.png.
 */
class ConverseIT {
    static final Duration WAIT = Duration.ofSeconds(40);
    static final String D = TestNode.DOMAIN;
    static final Path ARTIFACTS = Path.of("target", "artifacts");
    static ConversePage page;
    static TestNode node;
    static String https;

    @BeforeAll
    static void start() throws Exception {
        page = ConversePage.start(ConversePage.distDirectory());
        node = TestNode.start(Map.of("chorus.http.bind", ConversePage.HOST, "chorus.http.cors-origins", page.origin()));
        for (String u : new String[] {"viola", "olivia", "orsino"}) {
            node.createUser(u, "pw-" + u);
        }
        https = "https://" + ConversePage.HOST + ":" + WebClients.httpPort(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (page != null) {
            page.close();
        }
    }

    @Test
    void converseLogsInOverWebSocketChatsWithATcpClientAndTalksInARoom() throws Exception {
        String ws = "wss://" + ConversePage.HOST + ":" + WebClients.httpPort(node) + "/xmpp-websocket";
        chatAndJoinARoom("viola", Map.of("websocket_url", ws), ws, "websocket");
    }

    @Test
    void converseLogsInOverBoshChatsWithATcpClientAndTalksInARoom() throws Exception {
        String bosh = https + "/http-bind";
        chatAndJoinARoom("olivia", Map.of("bosh_service_url", bosh), bosh, "bosh");
    }

    /** The scenario, for one web user on one transport (its Converse setting and the URL Converse must use). */
    void chatAndJoinARoom(String user, Map<String, String> transport, String url, String name) throws Exception {
        String jid = user + "@" + D;
        XMPPTCPConnection orsino = Clients.login(node, "orsino", "pw-orsino", "tcp-" + name);
        LinkedBlockingQueue<Message> orsinoGot = new LinkedBlockingQueue<>();
        orsino.addAsyncStanzaListener(s -> orsinoGot.add((Message) s),
            s -> s instanceof Message m && m.getType() == Message.Type.chat && m.getBody() != null);
        Map<String, Object> settings = new LinkedHashMap<>(transport);
        settings.put("jid", jid);
        settings.put("password", "pw-" + user);
        settings.put("nickname", user);
        try (Chromium b = Chromium.start(List.of("--ignore-certificate-errors"))) {
            Path shot = ARTIFACTS.resolve("converse-" + name + "-room.png").toAbsolutePath();
            try {
                b.open(page.url(settings));
                await(b, "window.chorusProbe && window.chorusProbe.connected", "Converse logged in as " + jid);
                assertEquals(url, b.eval("chorusProbe.api.connection.get().service").asText(), "the transport Converse uses");

                // Converse to TCP: typed into the chat's text area, sent with Enter.
                String chat = "converse-chat[jid=\"orsino@" + D + "\"]";
                b.eval("void chorusProbe.api.chats.open('orsino@" + D + "')");
                await(b, "document.querySelector('" + chat + " textarea.chat-textarea') !== null", "the chat with orsino");
                b.type(chat + " textarea.chat-textarea", "hello from Converse over " + name);
                b.pressEnter();
                Message got = orsinoGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(got, "orsino got nothing from Converse");
                assertEquals("hello from Converse over " + name, got.getBody());
                assertTrue(got.getFrom().toString().startsWith(jid + "/"), got.getFrom().toString());

                // TCP to Converse, to the bare JID: shown in the chat.
                orsino.sendStanza(orsino.getStanzaFactory().buildMessageStanza().to(JidCreate.from(jid))
                    .ofType(Message.Type.chat).setBody("hello from Smack over TCP to " + name).build());
                awaitText(b, chat, "hello from Smack over TCP to " + name);
                Path chatShot = ARTIFACTS.resolve("converse-" + name + "-chat.png").toAbsolutePath();
                b.screenshot(chatShot);
                System.out.println("ConverseIT: screenshot of the " + name + " chat: " + chatShot);

                // A room: orsino makes it, Converse joins, each sees what the other says.
                EntityBareJid room = JidCreate.entityBareFrom(name + "-room@conference." + D);
                MultiUserChat asOrsino = MultiUserChatManager.getInstanceFor(orsino).getMultiUserChat(room);
                asOrsino.create(Resourcepart.from("orsino")).makeInstant();
                LinkedBlockingQueue<Message> inRoom = new LinkedBlockingQueue<>();
                asOrsino.addMessageListener(inRoom::add);
                String muc = "converse-muc[jid=\"" + room + "\"]";
                b.eval("void chorusProbe.api.rooms.open('" + room + "', {nick: '" + user + "'})");
                // Full-screen Converse shows one conversation at a time: the room is brought up from its list.
                String link = "a.open-room[data-room-jid=\"" + room + "\"]";
                await(b, "document.querySelector('" + link + "') !== null", "the room in Converse's list");
                b.click(link);
                await(b, "document.querySelector('" + muc + " textarea.chat-textarea') !== null", "Converse in the room");
                MessagingIT.awaitTrue(() -> asOrsino.getOccupants().stream()
                    .anyMatch(o -> o.getResourceOrEmpty().toString().equals(user)), user + " among the occupants");
                asOrsino.sendMessage("welcome to the " + name + " room");
                awaitText(b, muc, "welcome to the " + name + " room");
                b.type(muc + " textarea.chat-textarea", "a room message from Converse over " + name);
                b.pressEnter();
                Message g = inRoom.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                while (g != null && !g.getFrom().toString().equals(room + "/" + user)) {
                    g = inRoom.poll(WAIT.toSeconds(), TimeUnit.SECONDS); // orsino's own message comes back first
                }
                assertNotNull(g, "the room got nothing from Converse");
                assertEquals("a room message from Converse over " + name, g.getBody());
                awaitText(b, muc, "a room message from Converse over " + name);
            } finally {
                b.screenshot(shot);
                System.out.println("ConverseIT: screenshot of the " + name + " session at its end: " + shot);
                orsino.disconnect();
            }
        }
    }

    /** Waits until the expression is true in the page; the failure names what was awaited and shows the page's text. */
    static void await(Chromium b, String expression, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (b.eval("!!(" + expression + ")").asBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what + "; the page says:\n"
            + b.eval("document.body ? document.body.innerText : ''").asText());
    }

    static void awaitText(Chromium b, String selector, String text) throws Exception {
        String s = new ObjectMapper().writeValueAsString(selector);
        String t = new ObjectMapper().writeValueAsString(text);
        await(b, "(document.querySelector(" + s + ")?.innerText ?? '').includes(" + t + ")", "\"" + text + "\" in " + selector);
    }
}
