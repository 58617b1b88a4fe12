package chorus.actors.muc;

import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's count of rooms: caps per creator and in all, parts that never outgrow a cluster frame. */
class RoomRegistryTest {
    final MucSettings settings = MucSettings.defaults().withLimits(3, 10, 5, 10, 100);
    final RoomRegistry registry = new RoomRegistry(settings, 512 * 1024);

    @Test
    void anAccountMayMakeAsManyRoomsAsTheCapAndMoreOnceOneEnds() {
        for (int i = 0; i < 3; i++) {
            assertNull(registry.refuse("alice@example.org", "r" + i + "@chat.example.org"));
            registry.put("r" + i + "@chat.example.org", new RoomEntry("alice@example.org", null));
        }
        assertEquals(StanzaError.Condition.NOT_ALLOWED, registry.refuse("alice@example.org", "r3@chat.example.org"));
        assertNull(registry.refuse("bob@example.org", "b@chat.example.org"), "another account is not held back");
        registry.put("r0@chat.example.org", null);
        assertNull(registry.refuse("alice@example.org", "r3@chat.example.org"));
        assertEquals(2, registry.roomsOf("alice@example.org"));
    }

    @Test
    void theServiceHoldsAtMostItsRooms() {
        for (int i = 0; i < 10; i++) {
            registry.put("s" + i + "@chat.example.org", new RoomEntry("u" + i + "@example.org", null));
        }
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, registry.refuse("new@example.org", "x@chat.example.org"));
    }

    @Test
    void aPartNeverGrowsPastItsBudgetSoItFitsAFrame() {
        RoomRegistry small = new RoomRegistry(MucSettings.defaults().withLimits(1000, 100_000, 5, 10, 100), 4096);
        String name = "n".repeat(300);
        int made = 0;
        // rooms whose addresses fall into one part, as an attacker could choose them
        for (int i = 0; made < 200 && i < 1_000_000; i++) {
            String room = "x" + i + "@chat.example.org";
            if (RoomRegistry.part(room) != 7) {
                continue;
            }
            if (small.refuse("u" + made + "@example.org", room) == null) {
                small.put(room, new RoomEntry("u" + made + "@example.org", null));
                if (small.fits(room, new RoomEntry("u" + made + "@example.org", name))) {
                    small.put(room, new RoomEntry("u" + made + "@example.org", name));
                }
            } else {
                break;
            }
            made++;
        }
        assertTrue(made < 200, "the part filled up");
        long bytes = 0;
        for (String room : small.listed().keySet()) {
            bytes += RoomRegistry.bytes(room, small.entry(room));
        }
        assertTrue(bytes <= 4096, bytes + " bytes in one part");
    }

    @Test
    void publicRoomsAreListedSortedAndAReplicaReplacesItsPart() {
        registry.put("b@chat.example.org", new RoomEntry("x@example.org", "B"));
        registry.put("a@chat.example.org", new RoomEntry("x@example.org", "A"));
        registry.put("c@chat.example.org", new RoomEntry("y@example.org", null));
        assertEquals(List.of("a@chat.example.org", "b@chat.example.org"), List.copyOf(registry.listed().keySet()));
        int part = RoomRegistry.part("b@chat.example.org");
        Map<String, RoomEntry> replica = new HashMap<>();
        replica.put("b@chat.example.org", new RoomEntry("x@example.org", null));
        registry.replace(part, replica);
        assertFalse(registry.listed().containsKey("b@chat.example.org"));
        assertEquals(3, registry.rooms());
    }
}
