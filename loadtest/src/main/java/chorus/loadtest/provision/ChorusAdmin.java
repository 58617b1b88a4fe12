package chorus.loadtest.provision;

import chorus.loadtest.client.Accounts;
import chorus.loadtest.client.SetupFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * A Chorus node's admin API (the one chorusctl uses, on loopback): account creation, many requests
 * in flight at once, and the node's session count. The token comes from the node's data directory.
 */
public final class ChorusAdmin {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public ChorusAdmin(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** {@code tokenFile} is {@code DATA_DIR/admin.token}. */
    public static ChorusAdmin of(String baseUrl, Path tokenFile) throws IOException {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new ChorusAdmin(URI.create(b), Files.readString(tokenFile).trim());
    }

    /** The node's count of sessions, or NaN when it does not answer. */
    public double sessions() {
        try {
            HttpResponse<String> r = http.send(request("/v1/sessions").GET().timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Double.NaN;
            }
            JsonNode n = json.readTree(r.body()).get("sessions");
            return n == null ? Double.NaN : n.asDouble();
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /**
     * Creates the accounts, {@code parallel} requests at a time (the node derives SCRAM keys on a small
     * pool, so more does not help); an existing account counts as done.
     */
    public ProvisionResult createAll(Accounts accounts, int parallel, IntConsumer progress) throws InterruptedException {
        return Provisioning.run(accounts.count(), parallel, progress, i -> {
            ObjectNode body = json.createObjectNode();
            body.put("jid", accounts.jid(i));
            body.put("password", accounts.password());
            HttpRequest req = request("/v1/users").timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> switch (r.statusCode()) {
                case 201 -> Provisioning.Outcome.CREATED;
                case 409 -> Provisioning.Outcome.EXISTING;
                default -> throw new SetupFailure("http-" + r.statusCode());
            });
        });
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
    }

    @Override
    public String toString() {
        return "ChorusAdmin[" + base + "]";
    }
}
