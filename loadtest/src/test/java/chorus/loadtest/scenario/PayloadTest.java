package chorus.loadtest.scenario;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PayloadTest {
    @Test
    void aPayloadSurvivesItsTextWithPadding() {
        Payload p = new Payload("run7", "s3", 42, 123456789L);
        String text = p.encode(200);
        assertEquals(200, text.length());
        assertEquals(p, Payload.decode(text));
        assertEquals(p, Payload.decode(p.encode(0)));
    }

    @Test
    void textsThatAreNotPayloadsDecodeToNothing() {
        assertNull(Payload.decode(null));
        assertNull(Payload.decode("hello"));
        assertNull(Payload.decode("lt1 run tag notanumber 5"));
        assertNull(Payload.decode("lt1 run tag"));
    }

    @Test
    void theStanzaIdNamesTheLedgerAndTheNumber() {
        assertEquals("s3-42", new Payload("r", "s3", 42, 0).stanzaId());
    }
}
