package chorus.node.cluster;

import chorus.node.cluster.LeaseDowning.Seen;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeaseDowningTest {
    static Seen up(String k) {
        return new Seen(k, false, false);
    }

    static Seen unreachable(String k) {
        return new Seen(k, false, true);
    }

    @Test
    void anUnreachableMemberWhoseRowIsGoneIsDownedFromTheMajority() {
        assertEquals(List.of("c"), LeaseDowning.toDown(List.of(up("a"), up("b"), unreachable("c")), Set.of("a", "b")));
    }

    @Test
    void anUnreachableMemberThatStillWritesItsLeaseIsLeftToTheResolver() {
        assertEquals(List.of(), LeaseDowning.toDown(List.of(up("a"), up("b"), unreachable("c")), Set.of("a", "b", "c")));
    }

    @Test
    void aMinorityOrAnEvenSplitDownsNoOne() {
        assertEquals(List.of(), LeaseDowning.toDown(List.of(up("a"), unreachable("b"), unreachable("c")), Set.of("a")));
        assertEquals(List.of(), LeaseDowning.toDown(List.of(up("a"), up("b"), unreachable("c"), unreachable("d")),
            Set.of("a", "b")));
    }

    @Test
    void membersAlreadyDownedAreNeitherCountedNorDownedAgain() {
        Seen downed = new Seen("d", true, true);
        assertEquals(List.of("c"), LeaseDowning.toDown(List.of(up("a"), up("b"), unreachable("c"), downed), Set.of()));
        assertEquals(List.of(), LeaseDowning.toDown(List.of(up("a"), up("b"), downed), Set.of()));
    }
}
