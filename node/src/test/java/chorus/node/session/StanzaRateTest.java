package chorus.node.session;

import chorus.node.config.SessionLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StanzaRateTest {
    final AtomicLong now = new AtomicLong();

    @Test
    void aBurstPassesThenEachStanzaWaitsItsShareOfASecond() {
        StanzaRate rate = new StanzaRate(new SessionLimits.Rate(10, 5, 0, 1), now::get);
        for (int i = 0; i < 5; i++) {
            assertEquals(Duration.ZERO, rate.take(100));
        }
        assertEquals(Duration.ofMillis(100), rate.take(100));
        assertEquals(Duration.ofMillis(200), rate.take(100));
        now.addAndGet(Duration.ofMillis(200).toNanos());
        assertEquals(Duration.ofMillis(100), rate.take(100), "the debt was paid off, one more stanza's worth waits");
    }

    @Test
    void bytesHaveTheirOwnBucket() {
        StanzaRate rate = new StanzaRate(new SessionLimits.Rate(0, 1, 1000, 2000), now::get);
        assertEquals(Duration.ZERO, rate.take(2000));
        assertEquals(Duration.ofMillis(500), rate.take(500));
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(Duration.ZERO, rate.take(2000), "the bucket refills up to its burst, no more");
        assertEquals(Duration.ofMillis(1), rate.take(1));
    }

    @Test
    void aClientIsAbusiveAfterBeingBehindAsLongAsTenBurstsTake() {
        assertEquals(Duration.ofSeconds(5), new StanzaRate(new SessionLimits.Rate(10, 5, 0, 1), now::get).abuseAfter());
        assertEquals(Duration.ofSeconds(20), new StanzaRate(new SessionLimits.Rate(0, 1, 1000, 2000), now::get)
            .abuseAfter());
        assertEquals(Duration.ofSeconds(5), new StanzaRate(new SessionLimits.Rate(10, 5, 1000, 2000), now::get)
            .abuseAfter(), "the bucket that runs out sooner");
    }
}
