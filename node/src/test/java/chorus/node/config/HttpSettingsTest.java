package chorus.node.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static chorus.node.config.SettingsTest.failure;
import static chorus.node.config.SettingsTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpSettingsTest {

    @Test
    void theListenerIsHttpsOnTheFormerUploadPortForEveryOriginWithBothWebTransports() {
        Settings s = Settings.from(with(Map.of("chorus.domain", "example.org")));
        HttpSettings h = s.http();
        assertEquals(5281, h.port());
        assertTrue(h.tls());
        assertEquals(s.bind(), h.bind());
        assertEquals("https://example.org:5281", h.publicUrl());
        assertEquals("wss://example.org:5281/xmpp-websocket", h.webSocketUrl());
        assertEquals("https://example.org:5281/http-bind", h.boshUrl());
        assertEquals(List.of("*"), h.corsOrigins());
        assertTrue(h.webSocket().enabled() && h.bosh().enabled());
        assertEquals(Duration.ofSeconds(60), h.bosh().maxWait());
        assertEquals(2, h.bosh().requests());
        assertEquals(Duration.ofSeconds(5), h.bosh().peerWait());
        assertEquals(1000, h.bosh().peerWaitMax());
    }

    @Test
    void behindAProxyThePublicUrlAndOriginsAreTheAdminsChoice() {
        HttpSettings h = Settings.from(with(Map.of("chorus.http.tls", "off", "chorus.http.bind", "127.0.0.1",
            "chorus.http.public-url", "https://chat.example.org/xmpp/", "chorus.http.cors-origins",
            "https://app.example.org, https://other.example:8443"))).http();
        assertFalse(h.tls());
        assertEquals("https://chat.example.org/xmpp", h.publicUrl());
        assertEquals("wss://chat.example.org/xmpp/xmpp-websocket", h.webSocketUrl());
        assertEquals(List.of("https://app.example.org", "https://other.example:8443"), h.corsOrigins());
        assertEquals(List.of(), Settings.from(with(Map.of("chorus.http.cors-origins", ""))).http().corsOrigins());
        assertEquals("http://localhost:5281", Settings.from(with(Map.of("chorus.http.tls", "off"))).http().publicUrl());
    }

    @Test
    void badHttpSettingsNameTheSetting() {
        assertTrue(failure(Map.of("chorus.http.port", 70000)).contains("chorus.http.port"));
        assertTrue(failure(Map.of("chorus.http.port", 5222)).contains("chorus.http.port"));
        assertTrue(failure(Map.of("chorus.http.bind", "example.org")).contains("chorus.http.bind"));
        assertTrue(failure(Map.of("chorus.http.public-url", "ftp://x")).contains("chorus.http.public-url"));
        assertTrue(failure(Map.of("chorus.http.cors-origins", "https://a.example/path")).contains("chorus.http.cors-origins"));
        assertTrue(failure(Map.of("chorus.http.idle-timeout", "1s")).contains("chorus.http.idle-timeout"));
        assertTrue(failure(Map.of("chorus.http.bosh.max-wait", "2h")).contains("chorus.http.bosh.max-wait"));
        assertTrue(failure(Map.of("chorus.http.bosh.max-wait", "100s")).contains("chorus.http.idle-timeout"),
            "a held request outlives the idle timeout");
        assertTrue(failure(Map.of("chorus.http.bosh.max-hold", 0)).contains("chorus.http.bosh.max-hold"));
        assertTrue(failure(Map.of("chorus.http.bosh.inactivity", "1s")).contains("chorus.http.bosh.inactivity"));
        assertTrue(failure(Map.of("chorus.http.bosh.max-queued", "1KiB")).contains("chorus.http.bosh.max-queued"));
        assertTrue(failure(Map.of("chorus.http.bosh.peer-wait", "2m")).contains("chorus.http.bosh.peer-wait"));
        assertTrue(failure(Map.of("chorus.http.bosh.peer-wait-max-requests", 0))
            .contains("chorus.http.bosh.peer-wait-max-requests"));
        assertTrue(failure(Map.of("chorus.http.websocket.ping-interval", "0s")).contains("chorus.http.websocket.ping-interval"));
    }

    @Test
    void theListenersLimitsAreReadAndBadOnesNameTheirSetting() {
        HttpSettings.Limits l = Settings.from(with(Map.of())).http().limits();
        assertEquals(new HttpSettings.Limits(java.time.Duration.ofSeconds(30), 4096, 10000, 100, 32), l);
        assertTrue(failure(Map.of("chorus.http.request-timeout", "0s")).contains("chorus.http.request-timeout"));
        assertTrue(failure(Map.of("chorus.http.request-timeout", "2h")).contains("chorus.http.request-timeout"),
            "longer than the idle timeout");
        assertTrue(failure(Map.of("chorus.http.min-body-rate", "0")).contains("chorus.http.min-body-rate"));
        assertTrue(failure(Map.of("chorus.http.max-connections", 0)).contains("chorus.http.max-connections"));
        assertTrue(failure(Map.of("chorus.http.max-per-address", 20000)).contains("chorus.http.max-per-address"),
            "more per address than in all");
        assertTrue(failure(Map.of("chorus.http.max-uploads", "many")).contains("chorus.http.max-uploads"));
    }

    @Test
    void theOldUploadPortSettingSaysWhereItWent() {
        String m = failure(Map.of("chorus.upload.port", 5281));
        assertTrue(m.contains("chorus.upload.port") && m.contains("chorus.http.port"), m);
    }
}
