package chorus.node.admin.web;

import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.node.admin.AccountService;
import chorus.node.admin.AdminToken;
import chorus.node.admin.ClusterView;
import chorus.node.admin.FormData;
import chorus.node.config.Settings;
import chorus.persistence.diagnostics.DeliveryFailure;
import chorus.persistence.diagnostics.DiagnosticsStore;
import com.sun.net.httpserver.HttpExchange;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The web admin under {@code /admin/} on the admin port: login with the admin token or an admin account's
 * password (chorus.admins; checked against its SCRAM keys), then the cluster, session counts and a metrics
 * summary, account search, creation, password and removal, diagnostics by day and the configuration in
 * force. Every form carries the session's CSRF token and must come from the same origin; every response
 * forbids framing, scripts and outside resources. Passwords are never logged or shown; pages name no address.
 */
public final class WebAdmin {
    private static final Logger log = LoggerFactory.getLogger(WebAdmin.class);
    static final int MAX_FORM = 16 * 1024;
    static final int MAX_RESULTS = 100;
    static final Duration FAILED_LOGIN_DELAY = Duration.ofSeconds(1);
    static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|token|password|passphrase|key).*");
    static final Pattern SECRET_INSIDE = Pattern.compile("(?i)\"[^\"]*(secret|token|password|passphrase|key)[^\"]*\":");
    static final Pattern ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|(?i)[0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f:]*");
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'";

    private final AdminToken token;
    private final AccountService accounts;
    private final Settings settings;
    private final DiagnosticsStore diagnostics;
    private final MeterRegistry registry;
    private final Clock clock;
    private final WebSessions sessions;

    public WebAdmin(AdminToken token, AccountService accounts, Settings settings, DiagnosticsStore diagnostics,
                    MeterRegistry registry, Clock clock) {
        this.token = token;
        this.accounts = accounts;
        this.settings = settings;
        this.diagnostics = diagnostics;
        this.registry = registry;
        this.clock = clock;
        this.sessions = new WebSessions(clock);
    }

    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (path.equals("/admin/style.css")) {
                send(ex, 200, "text/css; charset=utf-8", Html.STYLE);
                return;
            }
            if (path.equals("/admin")) {
                redirect(ex, "/admin/");
                return;
            }
            if (path.equals("/admin/login")) {
                if (method.equals("POST")) {
                    login(ex);
                } else {
                    send(ex, 200, "text/html; charset=utf-8", Html.page("Log in", Pages.login(null), null, null));
                }
                return;
            }
            WebSessions.Session s = sessions.find(ex.getRequestHeaders().getFirst("Cookie"));
            if (s == null) {
                redirect(ex, "/admin/login");
                return;
            }
            if (method.equals("POST")) {
                Map<String, String> form = form(ex);
                if (!sameOrigin(ex) || !csrfMatches(s, form.get("csrf"))) {
                    send(ex, 403, "text/plain; charset=utf-8", "refused: the form did not come from this admin page\n");
                    return;
                }
                post(ex, s, path, form);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            get(ex, s, path);
        } catch (RuntimeException e) {
            log.warn("web admin request failed: {}", e.getClass().getSimpleName());
            send(ex, 500, "text/plain; charset=utf-8", "internal error\n");
        }
    }

    private void get(HttpExchange ex, WebSessions.Session s, String path) throws IOException {
        Map<String, String> q = parse(ex.getRequestURI().getRawQuery());
        switch (path) {
            case "/admin/":
                show(ex, s, "Overview", Pages.overview(new ClusterView(accounts.system()).describe(), MetricsSummary.of(registry)));
                return;
            case "/admin/users":
                users(ex, s, q.getOrDefault("q", "").strip());
                return;
            case "/admin/diagnostics":
                diagnostics(ex, s, q.get("day"));
                return;
            case "/admin/config":
                show(ex, s, "Configuration", Pages.config(configInForce()));
                return;
            default:
                send(ex, 404, "text/plain; charset=utf-8", "no such page\n");
        }
    }

    private void users(HttpExchange ex, WebSessions.Session s, String query) throws IOException {
        List<String> matching = List.of();
        if (!query.isEmpty()) {
            String needle = query.toLowerCase(java.util.Locale.ROOT);
            matching = accounts.list().toCompletableFuture().join().stream()
                .filter(j -> j.toLowerCase(java.util.Locale.ROOT).contains(needle)).sorted().toList();
        }
        List<String> shown = matching.subList(0, Math.min(MAX_RESULTS, matching.size()));
        show(ex, s, "Users", Pages.users(s.csrf, query, shown, matching.size(), shown.size()));
    }

    private void diagnostics(HttpExchange ex, WebSessions.Session s, String dayParam) throws IOException {
        LocalDate day;
        try {
            day = dayParam == null || dayParam.isBlank() ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : LocalDate.parse(dayParam);
        } catch (RuntimeException e) {
            day = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        }
        java.time.Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        java.time.Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<DeliveryFailure> records = diagnostics.query(from, null, 1000).toCompletableFuture().join().stream()
            .filter(f -> f.at().isBefore(to)).toList();
        show(ex, s, "Diagnostics", Pages.diagnostics(day, records));
    }

    private void post(HttpExchange ex, WebSessions.Session s, String path, Map<String, String> form) throws IOException {
        switch (path) {
            case "/admin/logout":
                sessions.end(s);
                ex.getResponseHeaders().add("Set-Cookie", WebSessions.expiredCookie());
                redirect(ex, "/admin/login");
                return;
            case "/admin/users/add":
                account(ex, s, form.get("jid"), jid -> accounts.create(jid, form.get("password")), "created");
                return;
            case "/admin/users/password":
                account(ex, s, form.get("jid"), jid -> accounts.changePassword(jid, form.get("password")), "password set for");
                return;
            case "/admin/users/remove":
                if (!"yes".equals(form.get("confirm"))) {
                    s.flash = "Tick the box to confirm the removal.";
                    redirect(ex, "/admin/users?q=" + URLEncoder.encode(form.getOrDefault("jid", ""), StandardCharsets.UTF_8));
                    return;
                }
                account(ex, s, form.get("jid"), accounts::remove, "removed");
                return;
            default:
                send(ex, 404, "text/plain; charset=utf-8", "no such action\n");
        }
    }

    private interface AccountCall {
        java.util.concurrent.CompletionStage<UserEntity.AccountReply> call(BareJid jid);
    }

    /** Runs an account change and comes back to the search for that account with what happened. */
    private void account(HttpExchange ex, WebSessions.Session s, String jidText, AccountCall call, String done) throws IOException {
        String back = jidText == null ? "" : jidText.strip();
        try {
            BareJid jid = accounts.account(back);
            back = jid.toString();
            UserEntity.AccountReply r = call.call(jid).toCompletableFuture().join();
            if (r instanceof UserEntity.AccountReply.Failed f) {
                s.flash = "Not done for " + jid + ": " + (f.condition().equals("conflict") ? "the account exists"
                    : f.condition().equals("item-not-found") ? "no such account" : f.condition());
            } else {
                s.flash = "Account " + done + " " + jid + ".";
                log.info("web admin ({}): account {} {}", s.who.equals("admin token") ? "token" : "admin account", done,
                    "(address not logged)");
            }
        } catch (IllegalArgumentException e) {
            s.flash = "Not done: " + e.getMessage();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            s.flash = "Not done: " + (cause instanceof IllegalArgumentException ? cause.getMessage()
                : "the account service did not answer");
        }
        redirect(ex, "/admin/users?q=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
    }

    private void login(HttpExchange ex) throws IOException {
        if (!sameOrigin(ex)) {
            send(ex, 403, "text/plain; charset=utf-8", "refused: the form did not come from this admin page\n");
            return;
        }
        Map<String, String> form = form(ex);
        String user = form.getOrDefault("user", "").strip();
        String secret = form.getOrDefault("secret", "");
        String who = null;
        if (user.isEmpty()) {
            if (token.matchesSecret(secret.getBytes(StandardCharsets.UTF_8))) {
                who = "admin token";
            }
        } else {
            try {
                BareJid jid = accounts.account(user);
                if (settings.registration().admins().contains(jid)
                    && accounts.verifyPassword(jid, secret).toCompletableFuture().get(20, TimeUnit.SECONDS)) {
                    who = jid.toString();
                }
            } catch (Exception e) {
                who = null;
            }
        }
        if (who == null) {
            try {
                Thread.sleep(FAILED_LOGIN_DELAY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 401, "text/html; charset=utf-8", Html.page("Log in",
                Pages.login("Wrong token, or not an admin account with that password."), null, null));
            return;
        }
        WebSessions.Session s = sessions.create(who);
        ex.getResponseHeaders().add("Set-Cookie", WebSessions.cookie(s));
        redirect(ex, "/admin/");
    }

    /** The chorus.* settings in force, secrets and addresses hidden. */
    Map<String, String> configInForce() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : settings.config().getConfig("chorus").entrySet()) {
            String key = "chorus." + e.getKey();
            if (key.startsWith("chorus.mailbox-store.")) {
                continue; // the journal plugin's copy of its own settings
            }
            out.put(key, shown(e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * How one setting is shown: a secret as hidden, an address as such. A list of objects (chorus.extdisco.services)
     * is one value here, so a secret inside it hides the whole list.
     */
    static String shown(String key, ConfigValue v) {
        String value = v.render(ConfigRenderOptions.concise());
        if (SECRET_KEY.matcher(key).matches()) {
            return value.equals("\"\"") ? "(not set)" : "(hidden)";
        }
        if (SECRET_INSIDE.matcher(value).find()) {
            return "(holds a secret: hidden)";
        }
        if (ADDRESS.matcher(value).find()) {
            return "(an address)";
        }
        return value;
    }

    private void show(HttpExchange ex, WebSessions.Session s, String title, String body) throws IOException {
        send(ex, 200, "text/html; charset=utf-8", Html.page(title, body, s.csrf, s.takeFlash()));
    }

    private static boolean csrfMatches(WebSessions.Session s, String given) {
        return given != null && java.security.MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
            s.csrf.getBytes(StandardCharsets.UTF_8));
    }

    /** A browser says where a form came from (Sec-Fetch-Site, Origin); a cross-site form is refused. */
    private static boolean sameOrigin(HttpExchange ex) {
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        return origin == null || host != null && origin.equals("http://" + host);
    }

    private static Map<String, String> form(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_FORM + 1);
            if (b.length > MAX_FORM) {
                throw new IllegalArgumentException("form too large");
            }
            return parse(new String(b, StandardCharsets.UTF_8));
        }
    }

    static Map<String, String> parse(String raw) {
        return FormData.parse(raw);
    }

    private static void redirect(HttpExchange ex, String to) throws IOException {
        ex.getResponseHeaders().set("Location", to);
        headers(ex);
        ex.sendResponseHeaders(303, -1);
    }

    private static void headers(HttpExchange ex) {
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // Not no-referrer: with it a browser sends "Origin: null" on the admin's own forms.
        ex.getResponseHeaders().set("Referrer-Policy", "same-origin");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        headers(ex);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }
}
