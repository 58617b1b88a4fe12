package chorus.actors.cluster;

import chorus.actors.ClusterMessage;

/**
 * One piece of a message too large for one Artery frame: bytes {@code index} of {@code count} of the
 * message as its serializer wrote it. Frames of one transfer go from one sender to one receiver in order.
 */
public record Frame(long transfer, int index, int count, int serializerId, String manifest, byte[] bytes)
    implements ClusterMessage {

    /** The bytes are a piece of a message (a body, perhaps): only the outline is printed. */
    @Override
    public String toString() {
        return "Frame[" + Long.toHexString(transfer) + " " + (index + 1) + "/" + count + ", " + bytes.length + " bytes]";
    }
}
