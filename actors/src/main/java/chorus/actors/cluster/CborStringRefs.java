package chorus.actors.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperFactory;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProviderSetup;
import com.typesafe.config.Config;

/**
 * The CBOR form of cluster messages and events writes a repeated string once and refers to it after that
 * (CBOR string references, tag 256/25). An element tree holds each namespace as one string however many
 * elements use it; without references its CBOR form repeated the namespace per element, so a stanza of a few
 * hundred KiB with thousands of children in one long namespace serialized to gigabytes and ran the node out of
 * memory (XmlBombIT). Readers understand references whether or not they write them.
 */
public final class CborStringRefs extends JacksonObjectMapperFactory {

    @Override
    public ObjectMapper newObjectMapper(String bindingName, JsonFactory jsonFactory) {
        if (jsonFactory instanceof CBORFactory cbor) {
            cbor.enable(CBORGenerator.Feature.STRINGREF);
        }
        return super.newObjectMapper(bindingName, jsonFactory);
    }

    /** An actor system's setup with this factory and the given configuration. */
    public static ActorSystemSetup setup(Config config) {
        return ActorSystemSetup.create(BootstrapSetup.create(config),
            JacksonObjectMapperProviderSetup.create(new CborStringRefs()));
    }
}
