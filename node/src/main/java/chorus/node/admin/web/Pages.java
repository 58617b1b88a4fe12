package chorus.node.admin.web;

import chorus.persistence.diagnostics.DeliveryFailure;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static chorus.node.admin.web.Html.csrfField;
import static chorus.node.admin.web.Html.e;

/** The pages' bodies. Every value goes through {@link Html#e}; no page shows an address. */
final class Pages {
    private Pages() {
    }

    static String login(String error) {
        StringBuilder b = new StringBuilder();
        if (error != null) {
            b.append("<p class=\"flash error\" id=\"error\">").append(e(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"/admin/login\">")
            .append("<label>Admin account <input name=\"user\" id=\"user\" autocomplete=\"username\" placeholder=\"admin@example.org\"></label>")
            .append("<label>Password, or the admin token alone <input type=\"password\" name=\"secret\" id=\"secret\" autocomplete=\"current-password\"></label>")
            .append("<button type=\"submit\" id=\"login\">Log in</button></form>")
            .append("<p class=\"muted\">The admin token is in the node's data directory (admin.token). Accounts listed in ")
            .append("chorus.admins log in with their password.</p>");
        return b.toString();
    }

    /** {@code summary}: label to value, already formatted. */
    static String overview(JsonNode cluster, Map<String, String> summary) {
        StringBuilder b = new StringBuilder("<h2>Cluster</h2><table id=\"members\"><tr><th>Node</th><th>Status</th>")
            .append("<th>Reachable</th><th>Leader</th><th>User shards</th><th>Entities</th><th>Sessions</th><th>Connections</th></tr>");
        String self = cluster.path("self").asText();
        for (JsonNode m : cluster.path("members")) {
            String node = m.path("node").asText();
            b.append("<tr><td>").append(e(Html.nodeLabel(node))).append(node.equals(self) ? " (this node)" : "")
                .append("</td><td>").append(e(m.path("status").asText()))
                .append("</td><td>").append(m.path("reachable").asBoolean() ? "yes" : "<strong>no</strong>")
                .append("</td><td>").append(m.path("leader").asBoolean() ? "yes" : "")
                .append("</td><td class=\"n\">").append(e(m.path("usersShards").asInt()))
                .append("</td><td class=\"n\">").append(e(m.path("usersEntities").asInt() + m.path("mailboxesEntities").asInt()))
                .append("</td><td class=\"n\">").append(e(m.path("sessions").asInt()))
                .append("</td><td class=\"n\">").append(e(m.path("connections").asInt())).append("</td></tr>");
        }
        b.append("</table><h2>This node</h2><table id=\"summary\">");
        summary.forEach((k, v) -> b.append("<tr><th>").append(e(k)).append("</th><td class=\"n\">").append(e(v)).append("</td></tr>"));
        return b.append("</table><p class=\"muted\">All metrics: /metrics on the admin port (Prometheus).</p>").toString();
    }

    static String users(String csrf, String query, List<String> found, int total, int shown) {
        StringBuilder b = new StringBuilder("<h2>Add an account</h2><form method=\"post\" action=\"/admin/users/add\" id=\"add\">")
            .append(csrfField(csrf))
            .append("<label>Address <input name=\"jid\" id=\"add-jid\" required placeholder=\"user, or user@domain\"></label>")
            .append("<label>Password <input type=\"password\" name=\"password\" id=\"add-password\" required autocomplete=\"new-password\"></label>")
            .append("<button type=\"submit\" id=\"add-submit\">Add</button></form>")
            .append("<h2>Find accounts</h2><form method=\"get\" action=\"/admin/users\" id=\"search\">")
            .append("<input name=\"q\" id=\"q\" value=\"").append(e(query)).append("\" placeholder=\"part of an address\">")
            .append("<button type=\"submit\" id=\"search-submit\">Search</button></form>");
        if (!query.isEmpty()) {
            b.append("<p id=\"count\">").append(e(total)).append(" account(s) match").append(total > shown ? "; the first " + shown + " shown" : "")
                .append(".</p><table id=\"results\"><tr><th>Account</th><th>New password</th><th>Remove</th></tr>");
            int i = 0;
            for (String jid : found) {
                b.append("<tr><td class=\"jid\">").append(e(jid)).append("</td><td>")
                    .append("<form class=\"inline\" method=\"post\" action=\"/admin/users/password\">").append(csrfField(csrf))
                    .append("<input type=\"hidden\" name=\"jid\" value=\"").append(e(jid)).append("\">")
                    .append("<input type=\"password\" name=\"password\" id=\"password-").append(i).append("\" required autocomplete=\"new-password\">")
                    .append("<button type=\"submit\" id=\"password-submit-").append(i).append("\">Set</button></form></td><td>")
                    .append("<form class=\"inline\" method=\"post\" action=\"/admin/users/remove\">").append(csrfField(csrf))
                    .append("<input type=\"hidden\" name=\"jid\" value=\"").append(e(jid)).append("\">")
                    .append("<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" id=\"confirm-").append(i)
                    .append("\" required> all its data</label><button type=\"submit\" id=\"remove-submit-").append(i)
                    .append("\">Remove</button></form></td></tr>");
                i++;
            }
            b.append("</table>");
        } else {
            b.append("<p class=\"muted\">Accounts are listed to admins only, and only when searched for.</p>");
        }
        return b.toString();
    }

    static String diagnostics(LocalDate day, List<DeliveryFailure> records) {
        StringBuilder b = new StringBuilder("<form method=\"get\" action=\"/admin/diagnostics\" id=\"day-form\">")
            .append("<a href=\"/admin/diagnostics?day=").append(e(day.minusDays(1))).append("\">&larr; ")
            .append(e(day.minusDays(1))).append("</a> <input type=\"date\" name=\"day\" id=\"day\" value=\"")
            .append(e(day)).append("\"><button type=\"submit\">Show</button> <a href=\"/admin/diagnostics?day=")
            .append(e(day.plusDays(1))).append("\">").append(e(day.plusDays(1))).append(" &rarr;</a></form>")
            .append("<p>").append(e(records.size())).append(" failed deliveries on ").append(e(day))
            .append(" (UTC), newest first; records are kept 7 days and never hold what was said.</p>")
            .append("<table id=\"records\"><tr><th>Time</th><th>Kind</th><th>Type</th><th>From</th><th>To</th><th>Why</th><th>Node</th></tr>");
        for (DeliveryFailure f : records) {
            b.append("<tr><td>").append(e(f.at())).append("</td><td>").append(e(f.kind())).append("</td><td>").append(e(f.type()))
                .append("</td><td>").append(e(f.sender() == null ? "-" : f.sender())).append("</td><td>")
                .append(e(f.recipient() == null ? "-" : f.recipient())).append("</td><td>").append(e(f.condition()))
                .append("</td><td>").append(e(f.node() == null ? "-" : Html.nodeLabel(f.node()))).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    static String config(Map<String, String> settings) {
        StringBuilder b = new StringBuilder("<p>The settings this node runs with (defaults included). Secrets and addresses ")
            .append("are not shown.</p><table id=\"config\"><tr><th>Setting</th><th>Value</th></tr>");
        settings.forEach((k, v) -> b.append("<tr><td>").append(e(k)).append("</td><td>").append(e(v)).append("</td></tr>"));
        return b.append("</table>").toString();
    }
}
