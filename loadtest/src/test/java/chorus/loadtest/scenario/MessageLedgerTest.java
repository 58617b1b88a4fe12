package chorus.loadtest.scenario;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageLedgerTest {
    @Test
    void everyMessageSentIsReceivedOrLostAndBouncesAreLostOnes() {
        MessageLedger l = new MessageLedger("m", 1000);
        for (int i = 0; i < 200; i++) {
            assertEquals(i, l.next());
        }
        for (int i = 0; i < 200; i += 2) {
            assertTrue(l.received(i));
        }
        l.bounced(1);
        l.bounced(3);
        l.bounced(4); // received already: not a lost one
        MessageLedger.Counts c = l.counts();
        assertEquals(200, c.sent());
        assertEquals(100, c.received());
        assertEquals(100, c.lost());
        assertEquals(c.sent(), c.received() + c.lost());
        assertEquals(2, c.bounced());
        assertEquals(98, c.vanished());
    }

    @Test
    void aMessageArrivingTwiceCountsOnceAndAsADuplicate() {
        MessageLedger l = new MessageLedger("m", 10);
        l.next();
        assertTrue(l.received(0));
        assertFalse(l.received(0));
        assertEquals(1, l.counts().received());
        assertEquals(1, l.counts().duplicates());
    }

    @Test
    void numbersNeverSentAreIgnored() {
        MessageLedger l = new MessageLedger("m", 10);
        l.next();
        assertFalse(l.received(5));
        assertFalse(l.received(-1));
        assertEquals(0, l.counts().received());
    }

    @Test
    void aFullWindowGivesNoMoreNumbers() {
        MessageLedger l = new MessageLedger("m", 3);
        l.next();
        l.next();
        l.next();
        assertEquals(-1, l.next());
        assertEquals(3, l.sent());
    }

    @Test
    void settledWhenEverythingArrivedOrBounced() {
        MessageLedger l = new MessageLedger("m", 10);
        l.next();
        l.next();
        assertFalse(l.settled());
        l.received(0);
        l.bounced(1);
        assertTrue(l.settled());
    }

    @Test
    void receiptsFromManyThreadsAreAllCounted() throws Exception {
        MessageLedger l = new MessageLedger("m", 100_000);
        for (int i = 0; i < 100_000; i++) {
            l.next();
        }
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            int offset = t;
            ts[t] = new Thread(() -> {
                for (int i = offset; i < 100_000; i += 4) {
                    l.received(i);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(0, l.counts().lost());
        assertEquals(100_000, l.counts().received());
    }
}
