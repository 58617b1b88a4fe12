package chorus.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * A journaled class that moved or was renamed, its fields unchanged: what was written under the old name (the key
 * of its entry in {@code pekko.serialization.jackson.migrations}) is read as the new class. Pekko creates
 * migrations by their class name, so each rename is a one-line subclass naming the new class.
 */
public abstract class RenameMigration extends JacksonMigration {
    private final Class<?> renamedTo;

    protected RenameMigration(Class<?> renamedTo) {
        this.renamedTo = renamedTo;
    }

    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    public String transformClassName(int fromVersion, String className) {
        return renamedTo.getName();
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        return json;
    }
}
