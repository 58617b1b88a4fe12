package chorus.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    static Config with(Map<String, Object> values) {
        return ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()).resolve();
    }

    static String failure(Map<String, Object> values) {
        return assertThrows(SettingsException.class, () -> Settings.from(with(values))).getMessage();
    }

    @Test
    void theDefaultsAreASingleNodeOnTheStandardPorts() {
        Settings s = Settings.from(with(Map.of("chorus.domain", "example.org")));
        assertEquals("example.org", s.domain().toString());
        assertEquals(5222, s.c2s().port());
        assertEquals(5223, s.c2s().tlsPort());
        assertEquals(262144, s.c2s().maxStanzaSize());
    }

    @Test
    void theTlsEngineIsAutoByDefaultAndAnUnknownOneStopsTheNode() {
        assertEquals(chorus.node.tls.TlsEngine.AUTO, Settings.from(with(Map.of())).tlsEngine());
        assertEquals(chorus.node.tls.TlsEngine.JDK, Settings.from(with(Map.of("chorus.tls.engine", "JDK"))).tlsEngine());
        assertTrue(failure(Map.of("chorus.tls.engine", "fast")).contains("chorus.tls.engine"));
    }

    @Test
    void theSessionLimitsDefaultToValuesNoHumanReaches() {
        SessionLimits l = Settings.from(with(Map.of())).c2s().sessionLimits();
        assertEquals(java.time.Duration.ofMinutes(5), l.idleTimeout());
        assertEquals(java.time.Duration.ofSeconds(60), l.idleAnswer());
        assertEquals(10, l.maxSessionsPerAccount());
        assertEquals(new SessionLimits.Rate(20, 400, 32 * 1024, 1024 * 1024), l.rate());
        assertEquals(new SessionLimits.Threshold(3, 10), l.logins().account());
        assertEquals(new SessionLimits.Threshold(10, 50), l.logins().source());
        assertEquals(java.time.Duration.ofMinutes(15), l.logins().lockout());
        assertEquals(java.time.Duration.ofMillis(50), l.lookupTime());
        assertEquals(java.time.Duration.ofSeconds(2), l.lookupCap());
        assertEquals(java.time.Duration.ofSeconds(25), l.lookupTimeout());
        assertEquals(2, l.hashingThreads());
        assertEquals(100, l.hashingQueue());
    }

    @Test
    void badSessionLimitsNameTheirSetting() {
        assertTrue(failure(Map.of("chorus.c2s.idle-timeout", "10ms")).contains("chorus.c2s.idle-timeout"));
        assertTrue(failure(Map.of("chorus.c2s.idle-answer-timeout", "0s")).contains("chorus.c2s.idle-answer-timeout"));
        assertTrue(failure(Map.of("chorus.c2s.max-sessions-per-account", -1))
            .contains("chorus.c2s.max-sessions-per-account"));
        assertTrue(failure(Map.of("chorus.c2s.rate.stanzas-per-second", "fast"))
            .contains("chorus.c2s.rate.stanzas-per-second"));
        assertTrue(failure(Map.of("chorus.c2s.rate.byte-burst", "100KiB")).contains("chorus.c2s.rate.byte-burst"));
        assertTrue(failure(Map.of("chorus.c2s.login-throttle.account.refuse-after", 2))
            .contains("chorus.c2s.login-throttle.account.refuse-after"));
        assertTrue(failure(Map.of("chorus.c2s.login-throttle.lockout", "0s")).contains("chorus.c2s.login-throttle.lockout"));
        assertTrue(failure(Map.of("chorus.c2s.login-lookup-time", "1m")).contains("chorus.c2s.login-lookup-time"));
        assertEquals(java.time.Duration.ofSeconds(4), Settings.from(with(Map.of("chorus.c2s.login-lookup-timeout", "30s",
            "chorus.c2s.negotiation-timeout", "4s"))).c2s().sessionLimits().lookupTimeout(),
            "a login does not wait for its entity past the stream's own deadline");
        assertTrue(failure(Map.of("chorus.c2s.login-lookup-timeout", "100ms")).contains("chorus.c2s.login-lookup-timeout"));
        assertTrue(failure(Map.of("chorus.password-hashing.queue", 0)).contains("chorus.password-hashing.queue"));
        SessionLimits off = Settings.from(with(Map.of("chorus.c2s.idle-timeout", "0s",
            "chorus.c2s.rate.stanzas-per-second", 0, "chorus.c2s.rate.bytes-per-second", 0,
            "chorus.c2s.login-throttle.account.slow-after", 0, "chorus.c2s.login-throttle.account.refuse-after", 0,
            "chorus.c2s.login-throttle.source.slow-after", 0, "chorus.c2s.login-throttle.source.refuse-after", 0)))
            .c2s().sessionLimits();
        assertTrue(off.idleTimeout().isZero());
        assertTrue(!off.rate().on() && !off.logins().on());
    }

    @Test
    void anInvalidDomainNamesTheSetting() {
        assertTrue(failure(Map.of("chorus.domain", "bad domain@x")).contains("chorus.domain"));
    }

    @Test
    void aPortOutOfRangeNamesTheSetting() {
        assertTrue(failure(Map.of("chorus.c2s.port", 70000)).contains("chorus.c2s.port"));
        assertTrue(failure(Map.of("chorus.c2s.port", "abc")).contains("chorus.c2s.port"));
    }

    @Test
    void aBindAddressThatIsNotAnIpNamesTheSetting() {
        assertTrue(failure(Map.of("chorus.bind", "example.org")).contains("chorus.bind"));
    }

    @Test
    void aStanzaLimitThatIsNotASizeNamesTheSetting() {
        assertTrue(failure(Map.of("chorus.c2s.max-stanza-size", "lots")).contains("chorus.c2s.max-stanza-size"));
        assertTrue(failure(Map.of("chorus.c2s.max-stanza-size", "10")).contains("chorus.c2s.max-stanza-size"));
    }

    @Test
    void onlyOneOfCertificateAndKeyIsRefused() {
        assertTrue(failure(Map.of("chorus.tls.certificate", "/etc/cert.pem")).contains("chorus.tls"));
    }

    @Test
    void anUnknownResourceConflictPolicyIsRefused() {
        assertTrue(failure(Map.of("chorus.c2s.resource-conflict", "coin-toss")).contains("chorus.c2s.resource-conflict"));
    }

    @Test
    void tooFewScramIterationsAreRefused() {
        assertTrue(failure(Map.of("chorus.scram-iterations", 1000)).contains("chorus.scram-iterations"));
    }

    @Test
    void theShardsPerEntityTypeAre1000ByDefaultGoToPekkoAndANumberOutOfRangeIsRefused() {
        Settings s = Settings.from(with(Map.of()));
        assertEquals(1000, s.cluster().shards());
        Settings fewer = Settings.from(with(Map.of("chorus.cluster.shards", 90)));
        assertEquals(90, fewer.cluster().pekkoConfig().withFallback(fewer.config())
            .getInt("pekko.cluster.sharding.number-of-shards"));
        assertTrue(failure(Map.of("chorus.cluster.shards", 0)).contains("chorus.cluster.shards"));
        assertTrue(failure(Map.of("chorus.cluster.shards", "many")).contains("chorus.cluster.shards"));
    }

    @Test
    void aClusterFrameSmallerThanTwiceTheLargestStanzaIsRefused() {
        String message = failure(Map.of("chorus.c2s.max-stanza-size", "1MiB",
            "pekko.remote.artery.advanced.maximum-frame-size", "1MiB"));
        assertTrue(message.contains("maximum-frame-size"), message);
        Settings.from(with(Map.of("chorus.c2s.max-stanza-size", "1MiB",
            "pekko.remote.artery.advanced.maximum-frame-size", "2MiB")));
    }

    @Test
    void theAdminPortListensOnLoopbackAndWantsTheTokenForMetricsByDefault() {
        Settings s = Settings.from(with(Map.of()));
        assertTrue(s.admin().bind().isLoopbackAddress());
        assertEquals(AdminSettings.MetricsAuth.TOKEN, s.admin().metricsAuth());
        assertEquals("", s.admin().token());
    }

    @Test
    void badAdminSettingsNameTheSetting() {
        assertTrue(failure(Map.of("chorus.admin.bind", "admin.example.org")).contains("chorus.admin.bind"));
        assertTrue(failure(Map.of("chorus.admin.metrics-auth", "basic")).contains("chorus.admin.metrics-auth"));
        assertTrue(failure(Map.of("chorus.admin.token", "short")).contains("chorus.admin.token"));
    }

    @Test
    void aFixedAdminTokenIsNeverPrinted() {
        String token = "0123456789abcdef0123456789abcdef";
        Settings s = Settings.from(with(Map.of("chorus.admin.token", token)));
        assertEquals(token, s.admin().token());
        assertTrue(!s.admin().toString().contains(token));
    }

    @Test
    void theOnionListenerIsOffByDefaultAndNeedsAPortOfItsOwn() {
        assertTrue(!Settings.from(with(Map.of())).onion().enabled());
        assertTrue(failure(Map.of("chorus.bind", "127.0.0.1", "chorus.c2s.onion.port", 5222)).contains("chorus.c2s.onion.port"));
        assertTrue(failure(Map.of("chorus.c2s.onion.bind", "tor.local", "chorus.c2s.onion.port", 5224))
            .contains("chorus.c2s.onion.bind"));
        Settings s = Settings.from(with(Map.of("chorus.c2s.onion.port", 5224)));
        assertEquals(5224, s.onion().port());
        assertTrue(s.onion().bind().isLoopbackAddress());
    }

    @Test
    void federationDefaultsToTheStandardPortsSystemCasAndDialbackAllowed() {
        S2sSettings s2s = Settings.from(with(Map.of("chorus.domain", "example.org"))).s2s();
        assertEquals(5269, s2s.port());
        assertEquals(5270, s2s.tlsPort());
        assertTrue(s2s.systemCas());
        assertTrue(s2s.resolver().nameservers().isEmpty());
        assertEquals(java.util.Optional.empty(), s2s.dialbackSecret());
        assertEquals(false, s2s.policy().requiresValidCertificate("peer.example"));
        assertTrue(s2s.warnings().isEmpty());
        assertEquals(java.time.Duration.ofSeconds(60), s2s.negotiationTimeout());
        assertEquals(true, s2s.enabled(), "federation is on unless turned off");
        assertEquals(0, Settings.from(with(Map.of())).component().port());
    }

    @Test
    void theResolverTakesDnsServersAndAStaticMap() {
        // As an operator writes it: a quoted domain, a list of endpoints.
        S2sSettings s2s = Settings.from(ConfigFactory.parseString("chorus.s2s.resolver.nameservers = \"127.0.0.31:15353, [::1]:53\"\n"
            + "chorus.s2s.resolver.static { \"Peer.Example\" = [\"10.0.0.5:5269\", \"peer-host.lan:5270 direct-tls\"] }")
            .withFallback(ConfigFactory.load()).resolve()).s2s();
        assertEquals("127.0.0.31", s2s.resolver().nameservers().get(0).getHostString());
        assertEquals(15353, s2s.resolver().nameservers().get(0).getPort());
        assertEquals("::1", s2s.resolver().nameservers().get(1).getHostString());
        var endpoints = s2s.resolver().staticMap().get("peer.example");
        assertEquals(new chorus.node.s2s.S2sEndpoint("10.0.0.5", 5269, false), endpoints.get(0));
        assertEquals(new chorus.node.s2s.S2sEndpoint("peer-host.lan", 5270, true), endpoints.get(1));
    }

    @Test
    void badFederationSettingsNameTheSetting() {
        assertTrue(failure(Map.of("chorus.s2s.port", 5222)).contains("chorus.s2s.port"));
        assertTrue(failure(Map.of("chorus.s2s.resolver.nameservers", "dns.example:53")).contains("chorus.s2s.resolver.nameservers"));
        assertTrue(failure(Map.of("chorus.s2s.resolver.static", Map.of("peer", java.util.List.of("host")))).contains("chorus.s2s.resolver.static"));
        assertTrue(failure(Map.of("chorus.s2s.resolver.static", Map.of("peer", java.util.List.of("host:1 tls")))).contains("chorus.s2s.resolver.static"));
        assertTrue(failure(Map.of("chorus.s2s.resolver.static", Map.of("peer", "host:1"))).contains("chorus.s2s.resolver.static"));
        assertTrue(failure(Map.of("chorus.s2s.secure-domains", java.util.List.of("not a domain"))).contains("chorus.s2s.secure-domains"));
        assertTrue(failure(Map.of("chorus.s2s.trust.ca-files", java.util.List.of("/nonexistent/ca.pem"))).contains("chorus.s2s.trust.ca-files"));
        assertTrue(failure(Map.of("chorus.s2s.trust.system-cas", false)).contains("chorus.s2s.trust"));
        assertTrue(failure(Map.of("chorus.s2s.dialback-secret", "abcd")).contains("chorus.s2s.dialback-secret"));
        assertTrue(failure(Map.of("chorus.s2s.dialback-secret", "zz".repeat(32))).contains("chorus.s2s.dialback-secret"));
        assertTrue(failure(Map.of("chorus.s2s.idle-timeout", "0s")).contains("chorus.s2s.idle-timeout"));
        assertTrue(failure(Map.of("chorus.s2s.negotiation-timeout", "0s")).contains("chorus.s2s.negotiation-timeout"));
        assertTrue(failure(Map.of("chorus.s2s.retry.min", "10m")).contains("chorus.s2s.retry.min"));
        assertTrue(failure(Map.of("chorus.s2s.max-queued-stanzas", 0)).contains("chorus.s2s.max-queued-stanzas"));
    }

    @Test
    void plaintextPeersAreAllowedOnlyByNameAndAreWarnedAbout() {
        S2sSettings s2s = Settings.from(with(Map.of("chorus.s2s.plaintext-domains", java.util.List.of("lan.example")))).s2s();
        assertTrue(s2s.policy().allowsPlaintext("lan.example"));
        assertEquals(1, s2s.warnings().size());
        assertTrue(s2s.warnings().get(0).contains("WITHOUT TLS"), s2s.warnings().get(0));
    }

    @Test
    void theDialbackSecretIsTheConfiguredOneOrDerivedFromTheClusterSecret() {
        String hex = "ab".repeat(32);
        S2sSettings configured = Settings.from(with(Map.of("chorus.s2s.dialback-secret", hex))).s2s();
        byte[] cluster = new byte[32];
        assertEquals(chorus.node.s2s.DialbackKeys.fromSecret(java.util.HexFormat.of().parseHex(hex)).key("a", "b", "c"),
            configured.dialbackKeys(cluster).key("a", "b", "c"));
        S2sSettings derived = Settings.from(with(Map.of())).s2s();
        assertEquals(chorus.node.s2s.DialbackKeys.fromClusterSecret(cluster).key("a", "b", "c"), derived.dialbackKeys(cluster).key("a", "b", "c"));
        assertTrue(!configured.toString().contains(hex));
    }

    @Test
    void componentsServeSubdomainsWithLongSecrets() {
        ComponentSettings c = Settings.from(with(Map.of("chorus.domain", "example.org", "chorus.component.port", 5347,
            "chorus.component.components", java.util.List.of(Map.of("domain", "gateway.example.org", "secret", "sixteen-chars-ok"))))).component();
        assertEquals(5347, c.port());
        assertEquals("127.0.0.1", c.bind().getHostAddress());
        assertEquals("gateway.example.org", c.components().get(0).domain());
        assertTrue(!c.components().get(0).toString().contains("sixteen"));
    }

    @Test
    void badComponentSettingsNameTheSetting() {
        Object gw = java.util.List.of(Map.of("domain", "gateway.example.org", "secret", "sixteen-chars-ok"));
        assertTrue(failure(Map.of("chorus.domain", "example.org", "chorus.component.components", gw)).contains("chorus.component.port"));
        assertTrue(failure(Map.of("chorus.domain", "example.org", "chorus.component.port", 5347, "chorus.component.components",
            java.util.List.of(Map.of("domain", "gateway.example.org", "secret", "short")))).contains("chorus.component.components"));
        assertTrue(failure(Map.of("chorus.domain", "example.org", "chorus.component.port", 5347, "chorus.component.components",
            java.util.List.of(Map.of("domain", "gateway.example.net", "secret", "sixteen-chars-ok")))).contains("not a subdomain"));
        assertTrue(failure(Map.of("chorus.domain", "example.org", "chorus.component.port", 5347, "chorus.component.components",
            java.util.List.of(Map.of("domain", "conference.example.org", "secret", "sixteen-chars-ok")))).contains("already in use"));
        assertTrue(failure(Map.of("chorus.component.bind", "localhost")).contains("chorus.component.bind"));
    }

    @Test
    void badS2sAndComponentCapsNameTheirSetting() {
        assertTrue(failure(Map.of("chorus.s2s.max-per-address", 0)).contains("chorus.s2s.max-per-address"));
        assertTrue(failure(Map.of("chorus.component.max-connections", 0)).contains("chorus.component.max-connections"));
        assertTrue(failure(Map.of("chorus.component.max-connections", "many")).contains("chorus.component.max-connections"));
        assertTrue(failure(Map.of("chorus.component.registration-wait", "2m")).contains("chorus.component.registration-wait"));
        assertTrue(failure(Map.of("chorus.component.registration-wait", "soon")).contains("chorus.component.registration-wait"));
        assertTrue(failure(Map.of("chorus.component.registration-wait-max-stanzas", 0))
            .contains("chorus.component.registration-wait-max-stanzas"));
        assertTrue(failure(Map.of("chorus.s2s.rate.byte-burst", "1KiB")).contains("chorus.s2s.rate.byte-burst"));
        assertTrue(failure(Map.of("chorus.s2s.rate.stanzas-per-second", -1)).contains("chorus.s2s.rate.stanzas-per-second"));
        Settings s = Settings.from(with(Map.of()));
        assertEquals(200, s.s2s().rate().stanzasPerSecond());
        assertEquals(32, s.s2s().maxPerAddress());
        assertEquals(16, s.component().maxConnections());
        assertEquals(java.time.Duration.ofSeconds(5), s.component().registrationWait());
        assertEquals(200, s.component().registrationWaitMax());
    }

    @Test
    void badConnectionLimitsNameTheirSetting() {
        assertTrue(failure(Map.of("chorus.c2s.write-buffer.low", "64KiB")).contains("chorus.c2s.write-buffer.low"));
        assertTrue(failure(Map.of("chorus.c2s.write-buffer.max", "32KiB")).contains("chorus.c2s.write-buffer.max"));
        assertTrue(failure(Map.of("chorus.c2s.connection-timeout", "0s")).contains("chorus.c2s.connection-timeout"));
        assertTrue(failure(Map.of("chorus.c2s.max-attributes", 2)).contains("chorus.c2s.max-attributes"));
        assertTrue(failure(Map.of("chorus.c2s.max-per-address", 0)).contains("chorus.c2s.max-per-address"));
        assertEquals(100, Settings.from(with(Map.of())).c2s().limits().maxAttributes());
    }

    @Test
    void aShortShutdownDeadlineAndNoExitOnFatalErrorsAreRefused() {
        assertTrue(failure(Map.of("chorus.shutdown-deadline", "1s")).contains("chorus.shutdown-deadline"));
        assertTrue(failure(Map.of("pekko.jvm-exit-on-fatal-error", "off")).contains("pekko.jvm-exit-on-fatal-error"));
    }
}
