package chorus.node.admin;

import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.diagnostics.DiagnosticsPruner;
import chorus.node.portable.PortableExport;
import chorus.node.portable.PortableImport;
import chorus.node.tls.TlsIdentity;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import chorus.node.tls.TlsSetupException;
import chorus.persistence.diagnostics.DiagnosticsStore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The admin API for chorusctl ({@code /v1/...}, JSON). Every request carries the token that the node wrote
 * to its data directory; nothing here logs request bodies (they hold passwords).
 */
final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final int MAX_BODY = 16 * 1024;

    private final AccountService accounts;
    private final IntSupplier sessions;
    private final DiagnosticsStore diagnostics;
    private final ActorRef<DiagnosticsPruner.Command> pruner;
    private final AdminToken token;
    private final ObjectMapper json = new ObjectMapper();

    private final Supplier<TlsIdentity> reloadTls;

    AdminApi(AdminServer.Deps deps) {
        this.diagnostics = deps.diagnostics();
        this.pruner = deps.pruner();
        this.accounts = deps.accounts();
        this.sessions = deps.sessions();
        this.token = deps.token();
        this.reloadTls = deps.reloadTls();
    }

    void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!token.matches(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, error("missing or wrong admin token"));
                return;
            }
            route(ex);
        } catch (RuntimeException e) {
            log.warn("admin request failed: {}", e.getClass().getSimpleName());
            reply(ex, 500, error("internal error"));
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String[] parts = path.split("/");
        // parts: "", "v1", resource, [jid], [sub]
        String resource = parts.length > 2 ? parts[2] : "";
        switch (resource) {
            case "sessions":
                ObjectNode s = json.createObjectNode();
                s.put("sessions", sessions.getAsInt());
                reply(ex, 200, s);
                return;
            case "users":
                users(ex, method, parts);
                return;
            case "invites":
                if (parts.length == 3 && method.equals("POST")) {
                    invite(ex);
                    return;
                }
                reply(ex, 405, error("unsupported request"));
                return;
            case "diagnostics":
                if (parts.length == 4 && parts[3].equals("prune") && method.equals("POST")) {
                    prune(ex);
                } else {
                    diagnostics(ex);
                }
                return;
            case "cluster":
                reply(ex, 200, new ClusterView(accounts.system()).describe());
                return;
            case "export":
                if (method.equals("GET")) {
                    export(ex);
                    return;
                }
                reply(ex, 405, error("unsupported request"));
                return;
            case "import":
                if (method.equals("POST")) {
                    importDocument(ex);
                    return;
                }
                reply(ex, 405, error("unsupported request"));
                return;
            case "tls":
                if (parts.length == 4 && parts[3].equals("reload") && method.equals("POST")) {
                    reloadTls(ex);
                    return;
                }
                reply(ex, 405, error("unsupported request"));
                return;
            default:
                reply(ex, 404, error("no such resource"));
        }
    }

    private void users(HttpExchange ex, String method, String[] parts) throws IOException {
        if (parts.length == 3 && method.equals("GET")) {
            ObjectNode out = json.createObjectNode();
            accounts.list().toCompletableFuture().join().forEach(out.putArray("users")::add);
            if (!out.has("users")) {
                out.putArray("users");
            }
            reply(ex, 200, out);
            return;
        }
        if (parts.length == 3 && method.equals("POST")) {
            JsonNode body = body(ex);
            BareJid jid = jid(ex, text(body, "jid"));
            if (jid == null) {
                return;
            }
            outcome(ex, () -> accounts.create(jid, text(body, "password")), 201);
            return;
        }
        if (parts.length >= 4) {
            BareJid jid = jid(ex, URLDecoder.decode(parts[3], StandardCharsets.UTF_8));
            if (jid == null) {
                return;
            }
            if (parts.length == 4 && method.equals("DELETE")) {
                outcome(ex, () -> accounts.remove(jid), 200);
                return;
            }
            if (parts.length == 5 && parts[4].equals("password") && method.equals("PUT")) {
                JsonNode body = body(ex);
                outcome(ex, () -> accounts.changePassword(jid, text(body, "password")), 200);
                return;
            }
        }
        reply(ex, 405, error("unsupported request"));
    }

    /**
     * POST /v1/invites {"inviter": jid?}: an invitation (XEP-0401). Without an inviter it lets one person register;
     * with one, the new account also becomes the inviter's mutual contact (XEP-0379). The token appears only in this
     * answer.
     */
    private void invite(HttpExchange ex) throws IOException {
        JsonNode body = body(ex);
        String inviter = body == null ? null : text(body, "inviter");
        BareJid jid = null;
        if (inviter != null && !inviter.isBlank()) {
            jid = jid(ex, inviter);
            if (jid == null) {
                return;
            }
        }
        chorus.actors.feature.invite.Invites invites = accounts.invites();
        try {
            chorus.actors.feature.invite.Invite made = (jid == null ? invites.account() : invites.userByAdmin(jid))
                .toCompletableFuture().join();
            ObjectNode out = json.createObjectNode();
            out.put("uri", made.uri());
            out.put("expires", made.expires().toString());
            reply(ex, 201, out);
        } catch (CompletionException e) {
            if (e.getCause() instanceof chorus.actors.feature.invite.Invites.Refused r) {
                reply(ex, 409, error(r.getMessage()));
                return;
            }
            throw e;
        }
    }

    /** GET /v1/diagnostics?since=ISO-instant&jid=...&limit=n: delivery failures, newest first. */
    private void diagnostics(HttpExchange ex) throws IOException {
        java.util.Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        java.time.Instant since;
        int limit;
        try {
            since = q.containsKey("since") ? java.time.Instant.parse(q.get("since"))
                : java.time.Instant.now().minus(java.time.Duration.ofDays(7));
            limit = Integer.parseInt(q.getOrDefault("limit", "1000"));
        } catch (RuntimeException e) {
            reply(ex, 400, error("since must be an ISO-8601 instant (2026-11-24T00:00:00Z), limit a number"));
            return;
        }
        ObjectNode out = json.createObjectNode();
        var records = out.putArray("records");
        for (var f : diagnostics.query(since, q.get("jid"), limit).toCompletableFuture().join()) {
            ObjectNode r = records.addObject();
            r.put("at", f.at().toString());
            r.put("sender", f.sender());
            r.put("recipient", f.recipient());
            r.put("kind", f.kind());
            r.put("type", f.type());
            r.put("condition", f.condition());
            r.put("node", f.node());
        }
        reply(ex, 200, out);
    }

    /** POST /v1/diagnostics/prune: the cluster's pruner runs now, wherever it lives; the days it dropped. */
    private void prune(HttpExchange ex) throws IOException {
        DiagnosticsPruner.Ran ran = AskPattern.<DiagnosticsPruner.Command, DiagnosticsPruner.Ran>ask(pruner,
            DiagnosticsPruner.RunNow::new, java.time.Duration.ofSeconds(30), accounts.system().scheduler())
            .toCompletableFuture().join();
        ObjectNode out = json.createObjectNode();
        out.put("at", ran.at().toString());
        ran.dropped().forEach(d -> out.withArray("dropped").add(d.toString()));
        reply(ex, 200, out);
    }

    /**
     * GET /v1/export: every account as an XEP-0227 document, written as it is read (chunked). It ends with
     * {@code </server-data>}; a document cut short means the export failed on the way.
     */
    private void export(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/xml; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        try {
            new PortableExport(accounts, ClusterSharding.get(accounts.system()), accounts.domain())
                .run(ex.getResponseBody());
        } catch (RuntimeException e) {
            log.warn("the export failed: {}", e.getClass().getSimpleName());
            ex.getResponseBody().close();
        }
    }

    /** POST /v1/import: an XEP-0227 document in the body; what was imported and what was left out. */
    private void importDocument(HttpExchange ex) throws IOException {
        PortableImport.Summary s;
        try (InputStream in = ex.getRequestBody()) {
            s = new PortableImport(accounts, ClusterSharding.get(accounts.system()), accounts.domain(),
                java.time.Clock.systemUTC()).run(in);
        } catch (IOException e) {
            reply(ex, 400, error(e.getMessage()));
            return;
        }
        ObjectNode out = json.createObjectNode();
        out.put("users", s.users());
        out.put("imported", s.imported());
        out.put("existing", s.existing());
        out.put("skipped", s.skipped());
        out.put("offline", s.offline());
        out.put("expired", s.expired());
        s.notes().forEach(out.putArray("notes")::add);
        reply(ex, 200, out);
    }

    /** POST /v1/tls/reload: the certificate and key are read again; new connections get them. */
    private void reloadTls(HttpExchange ex) throws IOException {
        TlsIdentity id;
        try {
            id = reloadTls.get();
        } catch (TlsSetupException e) {
            reply(ex, 409, error("the certificate was not reloaded (the current one stays): " + e.getMessage()));
            return;
        }
        ObjectNode out = json.createObjectNode();
        out.put("subject", id.leaf().getSubjectX500Principal().getName());
        out.put("notAfter", id.leaf().getNotAfter().toInstant().toString());
        out.put("sha256", id.fingerprintSha256());
        reply(ex, 200, out);
    }

    static java.util.Map<String, String> query(String raw) {
        return FormData.parse(raw);
    }

    private interface AccountCall {
        java.util.concurrent.CompletionStage<UserEntity.AccountReply> call();
    }

    private void outcome(HttpExchange ex, AccountCall call, int okStatus) throws IOException {
        UserEntity.AccountReply r;
        try {
            r = call.call().toCompletableFuture().join();
        } catch (CompletionException | IllegalArgumentException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalArgumentException) {
                reply(ex, 400, error(cause.getMessage()));
            } else {
                reply(ex, 503, error("the account service did not answer: " + cause.getClass().getSimpleName()));
            }
            return;
        }
        if (r instanceof UserEntity.AccountReply.Failed f) {
            int status = f.condition().equals("conflict") ? 409 : f.condition().equals("item-not-found") ? 404 : 400;
            String text = status == 409 ? "account exists" : status == 404 ? "no such account" : f.condition();
            reply(ex, status, error(text));
            return;
        }
        ObjectNode ok = json.createObjectNode();
        ok.put("ok", true);
        reply(ex, okStatus, ok);
    }

    private BareJid jid(HttpExchange ex, String s) throws IOException {
        try {
            return accounts.account(s == null ? "" : s);
        } catch (IllegalArgumentException e) {
            reply(ex, 400, error("invalid account address: " + e.getMessage()));
            return null;
        }
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IllegalArgumentException("request too large");
            }
            return json.readTree(b);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private ObjectNode error(String message) {
        ObjectNode n = json.createObjectNode();
        n.put("error", message);
        return n;
    }

    private void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
