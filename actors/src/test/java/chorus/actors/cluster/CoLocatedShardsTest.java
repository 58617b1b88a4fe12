package chorus.actors.cluster;

import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoLocatedShardsTest {
    static Address node(int i) {
        return new Address("pekko", "chorus", "127.0.0." + i, 25520);
    }

    @Test
    void theSameShardIdAndTheSameNodesGiveTheSameNodeWhateverTheOrderOfTheNodes() {
        List<Address> nodes = List.of(node(1), node(2), node(3));
        List<Address> reversed = List.of(node(3), node(2), node(1));
        for (int shard = 0; shard < 1000; shard++) {
            String id = Integer.toString(shard);
            assertEquals(CoLocatedShards.owner(id, nodes), CoLocatedShards.owner(id, reversed), id);
        }
    }

    @Test
    void shardsSpreadEvenlyOverTheNodes() {
        List<Address> nodes = List.of(node(1), node(2), node(3));
        Map<Address, Integer> count = new HashMap<>();
        for (int shard = 0; shard < 1000; shard++) {
            count.merge(CoLocatedShards.owner(Integer.toString(shard), nodes), 1, Integer::sum);
        }
        for (Address n : nodes) {
            assertTrue(count.get(n) > 280 && count.get(n) < 390, count.toString());
        }
    }

    @Test
    void aNodeJoiningTakesOnlyItsShareAndNoShardMovesBetweenTheOthers() {
        List<Address> three = List.of(node(1), node(2), node(3));
        List<Address> four = List.of(node(1), node(2), node(3), node(4));
        int moved = 0;
        for (int shard = 0; shard < 1000; shard++) {
            String id = Integer.toString(shard);
            Address before = CoLocatedShards.owner(id, three);
            Address after = CoLocatedShards.owner(id, four);
            if (!before.equals(after)) {
                assertEquals(node(4), after, "a shard moved between two old nodes: " + id);
                moved++;
            }
        }
        assertTrue(moved > 200 && moved < 300, moved + " of 1000 moved");
    }
}
