package chorus.node.check;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** The running node's view of its cluster (chorusctl cluster's answer): every member Up and reachable. */
final class ClusterCheck {
    static final String AREA = "cluster";

    private ClusterCheck() {
    }

    static List<Finding> run(JsonNode cluster, int expectedSeeds) {
        List<Finding> out = new ArrayList<>();
        int up = 0;
        for (JsonNode m : cluster.path("members")) {
            String node = m.path("node").asText();
            if (!m.path("reachable").asBoolean()) {
                out.add(Finding.fail(AREA, "member " + node + " is unreachable",
                    "check that node and the cluster port between the nodes; the split brain resolver downs it after 7 s of stable membership"));
            } else if (!m.path("status").asText().equals("Up")) {
                out.add(Finding.warn(AREA, "member " + node + " is " + m.path("status").asText(),
                    "wait for it to join or leave; if it stays, look at its log"));
            } else {
                up++;
            }
        }
        if (up == 0) {
            out.add(Finding.fail(AREA, "this node is in no cluster yet",
                "check CHORUS_SEED_NODES / the DNS discovery records, and that the first seed runs"));
        } else {
            out.add(Finding.ok(AREA, up + " member(s) up, asked " + cluster.path("self").asText()));
        }
        if (expectedSeeds > up) {
            out.add(Finding.warn(AREA, expectedSeeds + " seed nodes are configured and " + up + " member(s) are up",
                "start the missing nodes"));
        }
        return out;
    }
}
