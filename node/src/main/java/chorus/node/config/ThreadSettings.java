package chorus.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.util.Map;

/**
 * How many threads run the node's actors and its client connections, read once from {@code chorus.threads}. Pekko's
 * default dispatcher would run at least 8 threads and Netty 2 per core; on a small node every extra thread is one
 * more to wake per hand-over between threads, and on 2 cores the defaults cost CPU per message (issue 18, measured in
 * loadtest/RESULTS.md, "Chat: CPU per message, second pass").
 *
 * @param actors     threads of Pekko's default dispatcher (the sessions' and entities' actors)
 * @param eventLoops threads of the client listeners' Netty event loops (TCP and direct TLS)
 */
public record ThreadSettings(int actors, int eventLoops) {

    public ThreadSettings {
        check("chorus.threads.actors", actors);
        check("chorus.threads.event-loops", eventLoops);
    }

    private static void check(String name, int n) {
        if (n < 1 || n > 1024) {
            throw new SettingsException(name, n + " is not between 1 and 1024 (0: one per core)");
        }
    }

    /** {@code chorus.threads.*}; 0 means one per core the JVM sees. */
    public static ThreadSettings from(Config config) {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            return new ThreadSettings(perCore(config.getInt("chorus.threads.actors"), cores),
                perCore(config.getInt("chorus.threads.event-loops"), cores));
        } catch (ConfigException e) {
            throw new SettingsException("chorus.threads", e.getMessage());
        }
    }

    private static int perCore(int n, int cores) {
        return n == 0 ? cores : n;
    }

    /** The Pekko settings that size the default dispatcher, to put before the rest of the actor system's config. */
    public Config pekkoConfig() {
        return ConfigFactory.parseMap(Map.of(
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min", actors,
            "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max", actors));
    }
}
