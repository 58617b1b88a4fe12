package chorus.node.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Pekko's per-shard lease lines: every shard logs each try to take its lease (INFO), each refusal (ERROR, every
 * 500 ms while a dead node's lease has not run out) and each loss. With hundreds of shards that is thousands of lines
 * for one event, which {@link NodeLease} logs once (its lease ran out, it writes it again) and {@link LeaseDowning}
 * once per downed node. Registered in the node's logback.xml.
 */
public final class ShardLeaseLogFilter extends TurboFilter {
    static final String SHARD = "org.apache.pekko.cluster.sharding.Shard";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || !SHARD.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        // Pekko's Slf4jLogger logs INFO as ("{}", message), warnings and errors as the message itself.
        String text = "{}".equals(format) && params != null && params.length == 1 ? String.valueOf(params[0]) : format;
        boolean chatter = text.contains(": Acquiring lease ") || text.contains(": Failed to get lease for shard id")
            || text.contains("lease lost, stopping shard");
        return chatter ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
