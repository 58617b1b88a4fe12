package chorus.loadtest.capacity;

import chorus.loadtest.capacity.CapacityModel.Costs;
import chorus.loadtest.capacity.CapacityModel.Deployment;
import chorus.loadtest.capacity.CapacityModel.Machines;
import chorus.loadtest.capacity.CapacityModel.Traffic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityModelTest {
    // 1000 messages/s and 100 logins/s for 100,000 users; no presence.
    static final Traffic TRAFFIC = new Traffic(36, 2, 0, 0, 3.6, 72);
    static final Costs COSTS = new Costs(32, 10, 100, 5, 100, 1000);

    @Test
    void heapDecidesWhenSessionsFillNodesAndOneNodeDownMustStillHoldThemAll() {
        Machines m = new Machines(4, 1, 0.5, 0.5, 0.8, 60, 4, 0.5, 1000, 0.5, 3);
        Deployment d = CapacityModel.size(100_000, COSTS, TRAFFIC, m);
        assertEquals(2000, d.deliveriesPerSecond(), 1e-6);
        assertEquals(100, d.loginsPerSecond(), 1e-6);
        assertEquals(1.2, d.nodeCpuCores(), 1e-9); // 2000 x 100 us + 100 x 10 ms
        assertEquals(1, d.nodesForCpu());
        assertEquals(7, d.nodesForHeap()); // 16384 sessions in half a GiB of 32 KiB each
        assertEquals(8, d.nodes()); // 6 survivors hold 98,304 < 100,000
        assertEquals(1.8, d.cassCpuCores(), 1e-9); // (1000 x 100 us + 100 x 5 ms) x 3 replicas
        assertEquals(3, d.cassNodes()); // disk: 724 GiB in 500 a node = 2; at least the replication factor
        assertEquals(1000.0 * 3600 * 72 * 1000 * 3 / Math.pow(1024, 4), d.archiveTiB(), 1e-9);
    }

    @Test
    void theLoginsOfADeadNodesUsersCanDecideTheClusterSize() {
        Costs slowLogins = new Costs(32, 100, 100, 5, 100, 1000);
        Machines m = new Machines(4, 1000, 0.5, 0.5, 0.8, 10, 4, 0.5, 1000, 0.5, 3);
        Deployment d = CapacityModel.size(100_000, slowLogins, TRAFFIC, m);
        assertEquals(6, d.nodesForCpu()); // 10.2 cores at 2 a node
        assertEquals(1, d.nodesForHeap());
        // With n nodes, 100,000 / n / 10 s logins of 100 ms on top of 10.2 cores must fit 3.2 cores on each of n - 1.
        assertEquals(20, d.nodes());
        assertEquals(500, d.failoverLoginsPerSecond(), 1e-9);
    }

    @Test
    void theTableHasARowPerSizeAndSaysWhichFiguresAreAssumed() {
        Machines m = new Machines(16, 24, 0.5, 0.5, 0.8, 60, 16, 0.5, 2048, 0.5, 3);
        String table = CapacityCommand.render(COSTS, TRAFFIC, m, List.of(100_000L, 1_000_000L));
        assertTrue(table.contains("| 100,000 |"), table);
        assertTrue(table.contains("| 1,000,000 |"), table);
        assertTrue(table.contains("(assumed)") && table.contains("(measured)"), table);
    }
}
