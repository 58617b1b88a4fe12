package chorus.node.it;

import chorus.node.admin.AdminToken;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Calls a node's admin API directly, for what chorusctl has no command for. */
final class AdminHttp {
    private AdminHttp() {
    }

    static String get(Path dataDir, int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(40))
            .header("Authorization", "Bearer " + AdminToken.readFrom(dataDir).value())
            .GET()
            .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    static String post(Path dataDir, int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(40))
            .header("Authorization", "Bearer " + AdminToken.readFrom(dataDir).value())
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
