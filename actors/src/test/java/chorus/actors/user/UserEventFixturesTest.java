package chorus.actors.user;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Events stored by earlier versions keep deserializing into the same values. */
class UserEventFixturesTest {
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    @EnabledIfSystemProperty(named = "chorus.fixtures.write", matches = ".+")
    void writeTheFixtureOfThisVersion() throws Exception {
        Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
        Files.write(Path.of(System.getProperty("chorus.fixtures.write")), UserEventFixtures.write(ser));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixtures/user-events-v1.txt"})
    void eventsWrittenByAnEarlierVersionReadBackTheSame(String fixture) throws Exception {
        Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
        List<Object> read = new ArrayList<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(fixture)) {
            assertNotNull(in, fixture);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                read.add(ser.deserialize(Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[0]), parts[1]).get());
            }
        }
        assertEquals(UserEventFixtures.events(), read);
    }
}
