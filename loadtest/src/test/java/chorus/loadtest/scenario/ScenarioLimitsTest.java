package chorus.loadtest.scenario;

import chorus.loadtest.client.Accounts;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each scenario refuses the arguments it cannot run with, before any connection is opened. */
class ScenarioLimitsTest {
    static final Duration S = Duration.ofSeconds(1);

    @Test
    void aSweepMustRaiseItsRateFromStepToStep() {
        new Sweep(10, 1.01, 100, S, S, 100, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> new Sweep(10, 1, 100, S, S, 100, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sweep(10, 1.5, 100, S, S, 100, 0, 0, 0, -1));
    }

    @Test
    void aSweepWithAnIncrementAddsItInsteadOfMultiplying() {
        Sweep linear = new Sweep(1000, 1, 14_000, S, S, 50, 0, 0, 0, 1000);
        assertEquals(2000, linear.next(1000));
        assertEquals(14_000, linear.next(13_000));
        assertEquals(1500, new Sweep(1000, 1.5, 14_000, S, S, 50, 0, 0, 0).next(1000));
    }

    @Test
    void aMixNeedsSomeWeightAndNoNegativeOne() {
        new Mixed(10, S, 1, 0, 0, 0, 1, S);
        assertThrows(IllegalArgumentException.class, () -> new Mixed(10, S, 0.5, 0, 0, 0, 0, S));
        assertThrows(IllegalArgumentException.class, () -> new Mixed(10, S, 0.5, 2, -1, 0, 0, S));
    }

    @Test
    void theMixedOnlineShareIsAboveZeroAndAtMostOne() {
        assertThrows(IllegalArgumentException.class, () -> new Mixed(10, S, 0, 1, 0, 0, 0, S));
        assertThrows(IllegalArgumentException.class, () -> new Mixed(10, S, 1.01, 1, 0, 0, 0, S));
        assertThrows(IllegalArgumentException.class, () -> new Mixed(10, S, Double.NaN, 1, 0, 0, 0, S));
    }

    @Test
    void offlineNeedsASenderAndAReceiverAndAMessage() {
        assertEquals(1, Offline.senders(2));
        assertEquals(2, Offline.senders(5));
        assertThrows(IllegalArgumentException.class, () -> Offline.senders(1));
        new Offline(1, 10, S);
        assertThrows(IllegalArgumentException.class, () -> new Offline(0, 10, S));
    }

    @Test
    void loginsNeedANonNegativeRateAndOneInFlight() {
        new LoginPolicy(0, 1);
        assertThrows(IllegalArgumentException.class, () -> new LoginPolicy(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LoginPolicy(10, 0));
    }

    @Test
    void aRunHasAtLeastOneAccountNumberedFromZeroUp() {
        new Accounts("u", 0, 1, "d", "p");
        assertThrows(IllegalArgumentException.class, () -> new Accounts("u", 1, 0, "d", "p"));
        assertThrows(IllegalArgumentException.class, () -> new Accounts("u", -1, 1, "d", "p"));
    }

    @Test
    void aLedgerWindowHasABoundedCapacity() {
        new MessageLedger("t", 64);
        assertThrows(IllegalArgumentException.class, () -> new MessageLedger("t", Integer.MAX_VALUE * 32L + 1));
    }

    @Test
    void mucSplitsTheUsersIntoRoomsOfAtLeastTwo() {
        assertEquals(2, Groupchat.occupants(20, 10));
        assertEquals(3, Groupchat.occupants(21, 10), "the fullest room");
        assertEquals(3, Groupchat.members(21, 10, 0));
        assertEquals(2, Groupchat.members(21, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> Groupchat.occupants(19, 10));
        assertThrows(IllegalArgumentException.class, () -> new Groupchat(0, 10, S, S, 64, null));
        assertThrows(IllegalArgumentException.class, () -> new Groupchat(1, 0, S, S, 64, null));
        new Groupchat(1, 1, S, S, 64, null);
    }
}
