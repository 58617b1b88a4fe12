package chorus.actors.upload;

import chorus.actors.ManualClock;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0363 slot requests: who may upload, how big, how much in all, and what the URLs look like. */
class UploadServiceTest {
    static final String NS = UploadService.NS;
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T12:00:00Z"));
    final UploadSettings settings = new UploadSettings(true, "upload", 5281, "https://node1.example.org:5281/",
        1000, 2500, Duration.ofHours(72), Duration.ofMinutes(5), 3);
    final Slots slots = new Slots(clock);
    final Map<String, Long> used = new HashMap<>();
    final UploadService service = new UploadService("example.org", settings, slots, s -> { },
        owner -> used.getOrDefault(owner, 0L));

    Iq ask(String from, String filename, long size) {
        return service.answer(Xml.iq("<iq from='" + from + "' to='upload.example.org' type='get' id='s1'>"
            + "<request xmlns='" + NS + "' filename='" + filename + "' size='" + size + "' content-type='image/png'/></iq>"));
    }

    static StanzaError.Condition condition(Iq reply) {
        assertEquals(Iq.Type.ERROR, reply.type(), reply.toString());
        return StanzaError.conditionOf(reply);
    }

    @Test
    void theServiceNamesItsNamespaceAndLargestFile() {
        Iq info = service.answer(Xml.iq("<iq from='juliet@example.org/balcony' to='upload.example.org' type='get' id='i'>"
            + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
        Element q = info.payload().orElseThrow();
        assertTrue(q.elements("feature", "http://jabber.org/protocol/disco#info").stream()
            .anyMatch(f -> NS.equals(f.attr("var"))));
        Element form = q.child("x", "jabber:x:data").orElseThrow();
        assertEquals(java.util.List.of("1000"), chorus.actors.xmpp.DataForm.values(form).get("max-file-size"));
    }

    @Test
    void aSlotHasOneUrlOnThisNodeWithAnUnguessableToken() {
        Iq reply = ask("juliet@example.org/balcony", "très jolie.png", 500);
        Element slot = reply.payload().orElseThrow();
        String put = slot.child("put", NS).orElseThrow().attr("url");
        assertEquals(put, slot.child("get", NS).orElseThrow().attr("url"));
        assertTrue(put.matches("https://node1\\.example\\.org:5281/upload/[A-Za-z0-9_-]{24}/tr%C3%A8s%20jolie\\.png"), put);
        String token = put.split("/")[4];
        Slot taken = slots.take(token).orElseThrow();
        assertEquals(500, taken.size());
        assertEquals("image/png", taken.contentType());
        assertEquals(UploadService.owner("juliet@example.org"), taken.owner());
        assertTrue(slots.take(token).isEmpty(), "a slot is used once");
    }

    @Test
    void limitsOnSizeNamesQuotaAndWhoMayUpload() {
        Iq big = ask("juliet@example.org/balcony", "big.bin", 1001);
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, condition(big));
        assertTrue(big.children().stream().anyMatch(n -> n instanceof Element e && e.name().equals("error")
            && e.child("file-too-large", NS).flatMap(f -> f.childText("max-file-size", NS)).orElse("").equals("1000")),
            "XEP-0363 §5: the largest size, inside the error");
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(ask("juliet@example.org/balcony", "../x", 10)));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(ask("juliet@example.org/balcony", "a.png", 0)));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(ask("juliet@example.org/balcony", "x".repeat(256), 10)));
        assertEquals(StanzaError.Condition.NOT_ALLOWED, condition(ask("romeo@montague.example/pda", "a.png", 10)));
        used.put(UploadService.owner("juliet@example.org"), 1200L);
        ask("juliet@example.org/balcony", "one.png", 1000);
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, condition(ask("juliet@example.org/balcony", "two.png", 400)),
            "1200 stored + 1000 waiting + 400 > the quota of 2500");
    }

    @Test
    void aSlotNotUsedInTimeIsVoid() {
        Element slot = ask("juliet@example.org/balcony", "late.png", 10).payload().orElseThrow();
        String token = slot.child("put", NS).orElseThrow().attr("url").split("/")[4];
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertTrue(slots.take(token).isEmpty());
    }

    @Test
    void aUserHasAtMostMaxOpenSlotsWaitingHoweverSmall() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Iq.Type.RESULT, ask("juliet@example.org/balcony", "tiny" + i + ".txt", 1).type());
        }
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, condition(ask("juliet@example.org/balcony", "tiny.txt", 1)));
        assertEquals(Iq.Type.RESULT, ask("nurse@example.org/kitchen", "tiny.txt", 1).type(), "another user is not affected");
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertEquals(Iq.Type.RESULT, ask("juliet@example.org/balcony", "later.txt", 1).type(), "expired slots are not counted");
    }
}
