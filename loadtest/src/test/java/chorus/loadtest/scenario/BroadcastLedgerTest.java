package chorus.loadtest.scenario;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BroadcastLedgerTest {
    @Test
    void deliveriesAreCountedAgainstTheContactsOnlineWhenItWentOut() {
        BroadcastLedger l = new BroadcastLedger("s", 10);
        long a = l.next(3);
        long b = l.next(2);
        assertTrue(l.delivered(a));
        assertTrue(l.delivered(a));
        assertTrue(l.delivered(b));
        BroadcastLedger.Counts c = l.counts();
        assertEquals(2, c.broadcasts());
        assertEquals(5, c.expected());
        assertEquals(3, c.delivered());
        assertEquals(2, c.lost());
        assertEquals(c.expected(), c.delivered() + c.lost());
        assertFalse(l.settled());
    }

    @Test
    void deliveriesBeyondTheExpectedAreExtraNotDelivered() {
        BroadcastLedger l = new BroadcastLedger("s", 10);
        long a = l.next(1);
        assertTrue(l.delivered(a));
        assertFalse(l.delivered(a));
        assertEquals(1, l.counts().extra());
        assertEquals(0, l.counts().lost());
        assertTrue(l.settled());
    }

    @Test
    void aFullWindowGivesNoMoreNumbers() {
        BroadcastLedger l = new BroadcastLedger("s", 1);
        l.next(1);
        assertEquals(-1, l.next(1));
    }
}
