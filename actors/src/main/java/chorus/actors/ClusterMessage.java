package chorus.actors;

/**
 * Marker for every message, event and state that crosses the cluster or reaches the journal; bound to
 * Pekko's jackson-cbor serializer in reference.conf.
 */
public interface ClusterMessage {
}
