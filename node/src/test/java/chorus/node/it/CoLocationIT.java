package chorus.node.it;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An account's UserEntity and MailboxEntity live on the same node (DESIGN.md): both are sharded under the account's
 * bare JID, and {@link chorus.actors.cluster.CoLocatedShards} places a shard id on the same node for both types.
 * Clients log in on both nodes of a real two-node cluster (a login wakes the account's entity and its mailbox);
 * then each node's regions are asked which entities they hold.
 */
class CoLocationIT {
    static final int USERS = 40;

    @Test
    void everyAccountsMailboxIsOnTheNodeOfItsEntityAndAccountsSpreadOverBothNodes() throws Exception {
        try (TwoNodes nodes = TwoNodes.start(Map.of())) {
            List<XMPPTCPConnection> clients = new ArrayList<>();
            try {
                for (int i = 0; i < USERS; i++) {
                    TestNode via = i % 2 == 0 ? nodes.a : nodes.b;
                    via.createUser("u" + i, "pw-" + i);
                    clients.add(Clients.login(via, "u" + i, "pw-" + i, "r"));
                }
                Set<String> usersOnA = entities(nodes.a, UserEntity.KEY.name());
                Set<String> usersOnB = entities(nodes.b, UserEntity.KEY.name());
                TwoNodes.await(() -> entities(nodes.a, MailboxEntity.KEY.name()).size()
                        + entities(nodes.b, MailboxEntity.KEY.name()).size() >= USERS,
                    Duration.ofSeconds(30), "every account's mailbox woke up");
                Set<String> mailboxesOnA = entities(nodes.a, MailboxEntity.KEY.name());
                Set<String> mailboxesOnB = entities(nodes.b, MailboxEntity.KEY.name());
                System.out.printf("co-location: node a holds %d accounts and %d mailboxes, node b %d and %d%n",
                    usersOnA.size(), mailboxesOnA.size(), usersOnB.size(), mailboxesOnB.size());
                for (int i = 0; i < USERS; i++) {
                    String jid = "u" + i + "@" + TestNode.DOMAIN;
                    assertTrue(usersOnA.contains(jid) ^ usersOnB.contains(jid), jid + " has one entity");
                    assertEquals(usersOnA.contains(jid), mailboxesOnA.contains(jid), jid + ": mailbox with its entity");
                    assertEquals(usersOnB.contains(jid), mailboxesOnB.contains(jid), jid + ": mailbox with its entity");
                }
                assertFalse(usersOnA.isEmpty() || usersOnB.isEmpty(), "accounts on both nodes");
            } finally {
                clients.forEach(XMPPTCPConnection::disconnect);
            }
        }
    }

    /** The entity ids of one type that a node's region holds now. */
    static Set<String> entities(TestNode n, String typeName) throws Exception {
        ActorSystem<?> system = n.node().system();
        ShardRegion.CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(EntityTypeKey.create(Object.class, typeName), replyTo),
            Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get();
        Set<String> ids = new HashSet<>();
        state.getShards().forEach(s -> ids.addAll(s.getEntityIds()));
        return ids;
    }
}
