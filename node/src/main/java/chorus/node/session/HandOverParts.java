package chorus.node.session;

import chorus.actors.ClusterMessage;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * XEP-0198 §5 across nodes: the state a dropped stream hands to the stream that resumes it holds every stanza its
 * client did not acknowledge, up to {@code max-unacked} of them at up to {@code max-stanza-size} each, far more than
 * one Artery frame carries (a message over the frame is dropped, and the resumption would fail). So a hand-over to
 * another node whose serialized form is larger than a quarter of the frame goes as ordered {@link Part}s, each well
 * within the frame, and the resuming session puts them together. Parts between two actors arrive in order, as any
 * messages between them do; a part lost with a node loses the resumption, which then fails as when the old session
 * does not answer (the client binds afresh and its unacknowledged stanzas go where they would go now).
 *
 * <p>A small protocol of the session's own until the cluster has one for every large message.
 */
final class HandOverParts {

    /** One piece of a serialized {@link SessionMessage.Resumption}. */
    record Part(long transfer, int index, int count, int serializerId, String manifest, byte[] bytes)
        implements SessionInput, ClusterMessage {
        @Override
        public String toString() {
            return "HandOverParts.Part[" + index + "/" + count + ", " + bytes.length + " bytes]";
        }
    }

    /** The most parts one hand-over may take: 500 stanzas of 256 KiB, several times over. */
    static final int MAX_PARTS = 10_000;

    private HandOverParts() {
    }

    /** The largest message, in serialized bytes, sent whole; also the size of each part: a quarter of the frame. */
    static int budget(ActorSystem<?> system) {
        long frame = system.settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        return (int) Math.min(Integer.MAX_VALUE, frame / 4);
    }

    /** Hands {@code r} to {@code to}: whole when it is on this node or small, else in parts. */
    static void send(ActorSystem<?> system, ActorRef<SessionMessage> to, SessionMessage.Resumption r) {
        if (!to.path().address().hasGlobalScope()) {
            to.tell(r);
            return;
        }
        List<Part> parts = split(system, r, budget(system));
        if (parts.isEmpty()) {
            to.tell(r);
            return;
        }
        ActorRef<SessionInput> receiver = to.unsafeUpcast();
        parts.forEach(receiver::tell);
    }

    /** The parts of {@code r}, each at most {@code budget} bytes; empty when it fits the budget whole. */
    static List<Part> split(ActorSystem<?> system, SessionMessage.Resumption r, int budget) {
        Serialization serialization = SerializationExtension.get(system.classicSystem());
        Serializer serializer = serialization.findSerializerFor(r);
        byte[] bytes = serializer.toBinary(r);
        if (bytes.length <= budget) {
            return List.of();
        }
        int count = (bytes.length + budget - 1) / budget;
        if (count > MAX_PARTS) {
            throw new IllegalStateException("a hand-over of " + bytes.length + " bytes is too large even in parts");
        }
        String manifest = Serializers.manifestFor(serializer, r);
        long transfer = ThreadLocalRandom.current().nextLong();
        List<Part> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * budget;
            parts.add(new Part(transfer, i, count, serializer.identifier(), manifest,
                Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + budget))));
        }
        return parts;
    }

    /** Puts one hand-over's parts together, in order; anything out of order or of another transfer starts over. */
    static final class Assembly {
        private final ActorSystem<?> system;
        private long transfer;
        private int next;
        private ByteArrayOutputStream bytes;

        Assembly(ActorSystem<?> system) {
            this.system = system;
        }

        /** The whole hand-over once its last part is here. */
        Optional<SessionMessage.Resumption> accept(Part p) {
            if (p.count() < 1 || p.count() > MAX_PARTS || p.index() != 0 && (bytes == null || p.transfer() != transfer
                || p.index() != next)) {
                bytes = null;
                return Optional.empty();
            }
            if (p.index() == 0) {
                transfer = p.transfer();
                bytes = new ByteArrayOutputStream();
                next = 0;
            }
            bytes.writeBytes(p.bytes());
            next++;
            if (next < p.count()) {
                return Optional.empty();
            }
            byte[] whole = bytes.toByteArray();
            bytes = null;
            Object o = SerializationExtension.get(system.classicSystem())
                .deserialize(whole, p.serializerId(), p.manifest()).get();
            return o instanceof SessionMessage.Resumption r ? Optional.of(r) : Optional.empty();
        }
    }
}
