package chorus.node.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShardLeaseLogFilterTest {
    final LoggerContext context = new LoggerContext();
    final ShardLeaseLogFilter filter = new ShardLeaseLogFilter();

    FilterReply decide(String logger, String message) {
        Logger l = context.getLogger(logger);
        return filter.decide(null, l, Level.ERROR, message, null, null);
    }

    /** As Pekko's Slf4jLogger logs INFO: the message as the one argument of "{}". */
    FilterReply decideInfo(String logger, String message) {
        return filter.decide(null, context.getLogger(logger), Level.INFO, "{}", new Object[] {message}, null);
    }

    @Test
    void pekkosPerShardLeaseLinesAreDroppedAndNothingElse() {
        String shard = ShardLeaseLogFilter.SHARD;
        assertEquals(FilterReply.DENY, decide(shard, "User: Failed to get lease for shard id [921]. Retry in 500.0 ms"));
        assertEquals(FilterReply.DENY, decideInfo(shard, "User: Acquiring lease LeaseSettings(chorus-shard-User-921, a, b)"));
        assertEquals(FilterReply.NEUTRAL, decideInfo(shard, "User: Shard [1] starting"));
        assertEquals(FilterReply.DENY, decide(shard,
            "User: Shard id [749] lease lost, stopping shard and killing [1] entities. Reason for losing lease: x"));
        assertEquals(FilterReply.NEUTRAL, decide(shard, "User: Shard [1] shutting down"));
        assertEquals(FilterReply.NEUTRAL, decide("chorus.node.cluster.NodeLease",
            "This node's lease ran out: stopping its 29 shards until it is written again"));
    }
}
