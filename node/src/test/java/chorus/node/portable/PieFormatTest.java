package chorus.node.portable;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0227's file format with the XEP's own examples: reading a user at a time, writing, offline messages, parts. */
class PieFormatTest {
    static final String EXAMPLE = """
        <?xml version='1.0' encoding='UTF-8'?>
        <server-data xmlns='urn:xmpp:pie:0'>
          <host jid='capulet.com'>
            <user name='juliet' password='s3crEt'>
              <query xmlns='jabber:iq:roster'>
                <item jid='romeo@montague.net' name='Romeo' subscription='both'>
                  <group>Friends</group>
                </item>
              </query>
              <offline-messages>
                <message xmlns='jabber:client' from='romeo@montague.net/orchard' to='juliet@capulet.com/balcony' type='chat'>
                  <body>Neither, fair saint, if either thee dislike.</body>
                  <delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='1469-07-21T00:32:29Z'>Offline Storage</delay>
                </message>
              </offline-messages>
              <archive xmlns='urn:xmpp:pie:0#mam'>
                <result xmlns='urn:xmpp:mam:2' id='28482-98726-73623'><forwarded xmlns='urn:xmpp:forward:0'/></result>
              </archive>
              <vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN></vCard>
            </user>
            <user name='nurse'/>
          </host>
          <host jid='montague.net'>
            <user name='romeo'>
              <scram-credentials xmlns='urn:xmpp:pie:0#scram' mechanism='SCRAM-SHA-1'>
                <iter-count>100000</iter-count>
                <salt>TmFDbE5hQ2xOYUNsTmFDbE5hQ2xOYUNsTmFDbE5hQ2xOYUNsTmFDbE5hQ2wK</salt>
                <server-key>0pXWGK0GZJ6TR73AIUN3ITYtA1g=</server-key>
                <stored-key>Q6qT/SbybblGCZz8e8eSfCJOQic=</stored-key>
              </scram-credentials>
            </user>
          </host>
        </server-data>
        """;

    record Read(List<String> hosts, List<Element> users, List<String> notes) {
    }

    static Read read(String doc) throws IOException {
        Read r = new Read(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        PieReader.read(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), new PieReader.Listener() {
            @Override
            public void user(String host, Element user) {
                r.hosts().add(host);
                r.users().add(user);
            }

            @Override
            public void note(String note) {
                r.notes().add(note);
            }
        });
        return r;
    }

    @Test
    void theXepsExampleIsReadOneUserAtATimeWithItsHostAndWithoutItsArchive() throws IOException {
        Read r = read(EXAMPLE);
        assertEquals(List.of("capulet.com", "capulet.com", "montague.net"), r.hosts());
        Element juliet = r.users().get(0);
        assertEquals("juliet", juliet.attr("name"));
        assertEquals("s3crEt", juliet.attr("password"));
        assertEquals(List.of("query", "offline-messages", "vCard"), juliet.elements().stream().map(Element::name).toList());
        // The indentation between elements is gone; text stays.
        Element item = juliet.elements().get(0).elements().get(0);
        assertEquals(1, item.children().size());
        assertEquals("Friends", item.elements().get(0).text());
        assertEquals(List.of("message archives are not carried"), r.notes());
        assertEquals("SCRAM-SHA-1", r.users().get(2).elements().get(0).attr("mechanism"));
    }

    @Test
    void ejabberdsOlderNamespaceAndItsIncludesAreUnderstood() throws IOException {
        Read r = read("<server-data xmlns='http://www.xmpp.org/extensions/xep-0227.html#ns' "
            + "xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='capulet.com.xml'/>"
            + "<host xmlns='http://www.xmpp.org/extensions/xep-0227.html#ns' jid='capulet.com'>"
            + "<user name='juliet' password='x'/></host></server-data>");
        assertEquals(1, r.users().size());
        assertTrue(r.notes().get(0).contains("capulet.com.xml"), r.notes().toString());
    }

    /** As ejabberd 23.01's export_piefxis writes them: a main file that includes one file per host, rooted at <host/>. */
    @Test
    void ejabberdsPerHostFileWhoseRootIsTheHostIsRead() throws IOException {
        Read main = read("<?xml version='1.0' encoding='UTF-8'?><server-data xmlns='urn:xmpp:pie:0' "
            + "xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='20261206-062011_capulet_com.xml'/></server-data>");
        assertEquals(0, main.users().size());
        Read r = read("<?xml version='1.0' encoding='UTF-8'?><host xmlns='urn:xmpp:pie:0' "
            + "xmlns:xi='http://www.w3.org/2001/XInclude' jid='capulet.com'><user name='juliet' password='x'>"
            + "<query xmlns='jabber:iq:roster'><item subscription='both' jid='romeo@montague.net'/></query></user>"
            + "<user name='nurse' password='y'><offline-messages><message xmlns='jabber:client' to='nurse@capulet.com' "
            + "from='juliet@capulet.com/balcony' type='chat'><body>hi</body></message></offline-messages></user></host>");
        assertEquals(List.of("capulet.com", "capulet.com"), r.hosts());
        assertEquals(List.of("juliet", "nurse"), r.users().stream().map(u -> u.attr("name")).toList());
        assertTrue(r.users().get(1).child("offline-messages", PieReader.NS).isPresent());
        assertThrows(IOException.class, () -> read("<host xmlns='urn:example' jid='capulet.com'/>"));
    }

    @Test
    void somethingElseIsRefusedAndNoEntityIsExpanded() {
        assertThrows(IOException.class, () -> read("<stream xmlns='jabber:client'/>"));
        assertThrows(IOException.class, () -> read("<server-data xmlns='urn:xmpp:pie:0'><host"));
        assertThrows(IOException.class, () -> read("<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
            + "<server-data xmlns='urn:xmpp:pie:0'><host jid='a'><user name='&e;'/></host></server-data>"));
    }

    @Test
    void whatIsWrittenReadsBackTheSame() throws IOException {
        Read before = read(EXAMPLE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PieWriter w = new PieWriter(bytes, "capulet.com")) {
            w.user("juliet", before.users().get(0).elements());
            w.user("o'brien", List.of());
        }
        Read after = read(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(before.users().get(0).elements(), after.users().get(0).elements());
        assertEquals("o'brien", after.users().get(1).attr("name"));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).strip().endsWith("</server-data>"));
    }

    @Test
    void anOfflineMessageArrivesWhenItsStampSaysAndLosesTheStamp() throws IOException {
        Element message = read(EXAMPLE).users().get(0).elements().get(1).elements().get(0);
        BareJid juliet = new BareJid("juliet", "capulet.com");
        OfflineMessages.Waiting w = OfflineMessages.fromElement(message, juliet, Instant.EPOCH);
        assertEquals(Instant.parse("1469-07-21T00:32:29Z"), w.arrivedAt());
        assertEquals(juliet, w.message().to());
        assertEquals("Neither, fair saint, if either thee dislike.", w.message().body());
        assertFalse(w.message().child("delay", Ns.DELAY).isPresent());
        // The legacy stamp of XEP-0091, and none at all.
        Element legacy = Element.build("message", Ns.CLIENT).attr("from", "romeo@montague.net").attr("type", "chat")
            .textChild("body", Ns.CLIENT, "hi")
            .child(Element.build("x", "jabber:x:delay").attr("stamp", "20020910T23:41:07").get()).get();
        assertEquals(Instant.parse("2002-09-10T23:41:07Z"), OfflineMessages.fromElement(legacy, juliet, Instant.EPOCH).arrivedAt());
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(now, OfflineMessages.fromElement(legacy.without("x", "jabber:x:delay"), juliet, now).arrivedAt());
        assertThrows(IllegalArgumentException.class,
            () -> OfflineMessages.fromElement(Element.of("presence", Ns.CLIENT), juliet, now));
        // Exported as it waits: stamped with its arrival by the domain.
        Element out = OfflineMessages.toElement(new MailboxEntity.MessageStored(7, w.message(), w.arrivedAt(), 10),
            "capulet.com");
        assertEquals("1469-07-21T00:32:29Z", Message.class.cast(chorus.actors.xmpp.Stanza.fromElement(out))
            .child("delay", Ns.DELAY).orElseThrow().attr("stamp"));
    }

    @Test
    void containersAreSplitIntoPartsThatEachStayUnderTheLimitAndOthersTravelWhole() {
        Element.Builder query = Element.build("query", "jabber:iq:private");
        for (int i = 0; i < 10; i++) {
            query.child(Element.build("x" + i, "urn:example").text("y".repeat(1000)).get());
        }
        Element vcard = Element.build("vCard", "vcard-temp").textChild("FN", "vcard-temp", "z".repeat(5000)).get();
        List<List<Element>> parts = Parts.of(List.of(query.get(), vcard), 3000);
        for (List<Element> part : parts) {
            int w = part.stream().mapToInt(Element::weight).sum();
            assertTrue(w <= 3000 || part.size() == 1, "a part of " + w);
        }
        assertEquals(10, parts.stream().flatMap(List::stream).filter(e -> e.name().equals("query"))
            .mapToInt(e -> e.elements().size()).sum());
        assertEquals(1, parts.stream().flatMap(List::stream).filter(e -> e.name().equals("vCard")).count());
        assertEquals(List.of(List.of()), Parts.of(List.of(), 3000));
    }
}
