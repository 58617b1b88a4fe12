package chorus.loadtest.scenario;

import chorus.loadtest.client.Accounts;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RostersTest {
    final Rosters rosters = new Rosters(new Accounts("u", 1, 10, "d", "p"), 4);

    @Test
    void contactsAreTheNeighboursOnTheRing() {
        assertEquals(Set.of(1, 2, 9, 8), set(rosters.contactsOf(0)));
        assertEquals(Set.of(6, 7, 9, 0), set(rosters.contactsOf(8)));
    }

    @Test
    void contactIsSymmetricAndMatchesTheList() {
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                assertEquals(rosters.isContact(i, j), rosters.isContact(j, i));
                assertEquals(set(rosters.contactsOf(i)).contains(j), rosters.isContact(i, j));
            }
        }
    }

    @Test
    void eachPairIsAskedForByExactlyOneSide() {
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            for (int c : rosters.asks(i)) {
                assertTrue(pairs.add(Math.min(i, c) + "-" + Math.max(i, c)));
            }
        }
        assertEquals(rosters.pairs(), pairs.size());
        assertFalse(rosters.isContact(3, 3));
    }

    @Test
    void anOddOrTooLargeContactCountIsRefused() {
        Accounts a = new Accounts("u", 1, 10, "d", "p");
        assertThrows(IllegalArgumentException.class, () -> new Rosters(a, 3));
        assertThrows(IllegalArgumentException.class, () -> new Rosters(a, 10));
    }

    private static Set<Integer> set(int[] a) {
        return new HashSet<>(Arrays.stream(a).boxed().toList());
    }
}
