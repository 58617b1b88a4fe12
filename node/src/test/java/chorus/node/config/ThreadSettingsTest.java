package chorus.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadSettingsTest {

    @Test
    void byDefaultTheNodeRunsOneActorThreadAndOneEventLoopPerCore() {
        ThreadSettings t = ThreadSettings.from(ConfigFactory.load());
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(new ThreadSettings(cores, cores), t);
        assertEquals(cores, t.pekkoConfig().getInt("pekko.actor.default-dispatcher.fork-join-executor.parallelism-min"));
        assertEquals(cores, t.pekkoConfig().getInt("pekko.actor.default-dispatcher.fork-join-executor.parallelism-max"));
    }

    @Test
    void explicitCountsAreTaken() {
        ThreadSettings t = ThreadSettings.from(ConfigFactory.parseString("chorus.threads { actors = 3, event-loops = 5 }")
            .withFallback(ConfigFactory.load()));
        assertEquals(new ThreadSettings(3, 5), t);
    }

    @Test
    void aBadCountStopsTheNodeNamingTheSetting() {
        SettingsException negative = assertThrows(SettingsException.class, () -> ThreadSettings.from(
            ConfigFactory.parseString("chorus.threads.event-loops = -1").withFallback(ConfigFactory.load())));
        assertTrue(negative.getMessage().contains("chorus.threads.event-loops"), negative.getMessage());
        SettingsException notANumber = assertThrows(SettingsException.class, () -> ThreadSettings.from(
            ConfigFactory.parseString("chorus.threads.actors = many").withFallback(ConfigFactory.load())));
        assertTrue(notANumber.getMessage().contains("chorus.threads"), notANumber.getMessage());
    }

    @Test
    void shardingsReplicatorRunsOnThreadsOfItsOwn() {
        Config config = ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load());
        String id = config.getString("pekko.cluster.sharding.distributed-data.use-dispatcher");
        assertEquals("chorus.sharding-state-dispatcher", id);
        ActorSystem system = ActorSystem.create("dispatchers", config);
        try {
            // Pekko takes the configuration as a dispatcher, and it is neither the internal nor the default one.
            assertTrue(system.dispatchers().hasDispatcher(id));
            MessageDispatcher own = system.dispatchers().lookup(id);
            assertEquals(id, own.id());
            assertNotEquals(system.dispatchers().internalDispatcher().id(), own.id());
            assertNotEquals(system.dispatchers().defaultGlobalDispatcher().id(), own.id());
        } finally {
            system.terminate();
        }
    }
}
