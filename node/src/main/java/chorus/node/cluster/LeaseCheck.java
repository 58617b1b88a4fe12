package chorus.node.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * A node joins a cluster only if it agrees on the node lease ({@link ClusterLease}): a member without it would run
 * shards that nothing keeps single while the others move shards without a removal margin, and one with it would
 * wait for leases the others never write. Switching the lease on or off takes a full cluster restart.
 */
public final class LeaseCheck extends JoinConfigCompatChecker {
    @Override
    public scala.collection.immutable.Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(ClusterLease.ACTIVE)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        return JoinConfigCompatChecker.fullMatch(requiredKeys(), toCheck, actualConfig);
    }
}
