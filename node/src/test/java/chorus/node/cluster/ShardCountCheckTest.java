package chorus.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardCountCheckTest {

    static Config shards(int n) {
        return ConfigFactory.parseMap(Map.of(ShardCountCheck.KEY, n));
    }

    @Test
    void aNodeWithTheSameNumberOfShardsMayJoin() {
        assertEquals(Valid$.MODULE$, new ShardCountCheck().check(shards(1000), shards(1000)));
    }

    @Test
    void aNodeWithAnotherNumberOfShardsIsRefusedAndTheReasonNamesTheSetting() {
        Invalid refused = assertInstanceOf(Invalid.class, new ShardCountCheck().check(shards(100), shards(1000)));
        assertTrue(refused.errorMessages().mkString().contains(ShardCountCheck.KEY), refused.toString());
    }

    @Test
    void theNodeRegistersTheCheckWithPekkosJoinCheck() {
        Config node = ConfigFactory.load();
        String fqcn = node.getString("pekko.cluster.configuration-compatibility-check.checkers.chorus-shards");
        assertEquals(ShardCountCheck.class.getName(), fqcn);
        assertTrue(JoinConfigCompatChecker.class.isAssignableFrom(ShardCountCheck.class));
    }
}
