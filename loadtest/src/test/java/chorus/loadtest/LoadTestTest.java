package chorus.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoadTestTest {
    @Test
    void theMixTakesExactlyFourWeights() {
        LoadTest.MixedCmd m = new LoadTest.MixedCmd();
        m.mix = List.of(1, 2, 3, 4);
        assertEquals(3, m.scenario().rosterWeight());
        m.mix = List.of(70, 15, 10);
        assertThrows(IllegalArgumentException.class, m::scenario);
    }

    @Test
    void provisioningNeedsTheAdminApiOrInBandRegistration() {
        LoadTest.Provision p = new LoadTest.Provision();
        p.target = new TargetOptions();
        p.chorusAdmin = "http://127.0.0.1:1";
        assertThrows(IllegalArgumentException.class, p::call, "no token");
    }
}
