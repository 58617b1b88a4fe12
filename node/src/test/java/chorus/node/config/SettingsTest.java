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
    void aClusterFrameSmallerThanTwiceTheLargestStanzaIsRefused() {
        String message = failure(Map.of("chorus.c2s.max-stanza-size", "1MiB",
            "pekko.remote.artery.advanced.maximum-frame-size", "1MiB"));
        assertTrue(message.contains("maximum-frame-size"), message);
        Settings.from(with(Map.of("chorus.c2s.max-stanza-size", "1MiB",
            "pekko.remote.artery.advanced.maximum-frame-size", "2MiB")));
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
