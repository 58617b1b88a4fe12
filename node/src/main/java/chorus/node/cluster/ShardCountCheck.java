package chorus.node.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * A node joins a cluster only with the same number of shards per entity type ({@code chorus.cluster.shards}): an entity's
 * shard is its id's hash modulo that number, so two nodes that disagree put the same account in two shards, each
 * of which could run its entity — two writers of one journal. Pekko's join check (its
 * {@code configuration-compatibility-check}) refuses such a node, so changing the number takes a full cluster
 * restart, never a rolling one.
 */
public final class ShardCountCheck extends JoinConfigCompatChecker {
    static final String KEY = "pekko.cluster.sharding.number-of-shards";

    @Override
    public scala.collection.immutable.Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(KEY)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        return JoinConfigCompatChecker.fullMatch(requiredKeys(), toCheck, actualConfig);
    }
}
