package chorus.actors.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Sends messages that may outgrow one Artery frame ({@code pekko.remote.artery.advanced.maximum-frame-size}):
 * a message whose serialized form is larger than the {@linkplain #budget() budget} goes as a sequence of
 * {@link Frame}s, each wrapped in the receiver's own protocol, in order, and the receiver puts it together
 * with a {@link FrameAssembly}. Everything else goes as it is. Frames of one message travel from one sender
 * to one receiver in order, as any messages between them do: a lost frame loses the message as a lost
 * message would, and the protocols above (acknowledged deliveries, mailbox pages, resumption) already
 * send again what was not confirmed.
 *
 * <p>The budget is half the frame, so a whole message or a frame plus its envelope (actor paths, a
 * sharding envelope) always fits.
 */
public final class Frames implements Extension {
    private static final Logger log = LoggerFactory.getLogger(Frames.class);

    /** The extension's id: {@code Frames.get(system)}. */
    public static final ExtensionId<Frames> ID = new ExtensionId<>() {
        @Override
        public Frames createExtension(ActorSystem<?> system) {
            long frame = system.settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
            return new Frames(system, (int) Math.min(Integer.MAX_VALUE, frame / 2));
        }
    };

    /** The most frames one message may take: far more than any message of the server needs. */
    public static final int MAX_FRAMES = 100_000;

    private final ActorSystem<?> system;
    private final int budget;
    private final java.util.function.Predicate<RecipientRef<?>> local;

    Frames(ActorSystem<?> system, int budget) {
        this(system, budget, Frames::isLocal);
    }

    /** With another idea of which receivers are on this node (tests make every one remote). */
    Frames(ActorSystem<?> system, int budget, java.util.function.Predicate<RecipientRef<?>> local) {
        this.system = system;
        this.budget = budget;
        this.local = local;
    }

    public static Frames get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The largest message, in serialized bytes, sent whole; also the size of each frame's piece. */
    public int budget() {
        return budget;
    }

    /**
     * Tells {@code to} the message: whole when it fits the budget (or the receiver is on this node, where
     * nothing is serialized), else in frames, each made a message of the receiver's protocol by {@code wrap}.
     */
    public <T> void tell(RecipientRef<T> to, T message, Function<Frame, ? extends T> wrap) {
        if (local.test(to) || WireSize.of(message) <= budget) {
            to.tell(message);
            return;
        }
        List<Frame> frames = split(message);
        if (frames.isEmpty()) {
            to.tell(message);
            return;
        }
        for (Frame f : frames) {
            to.tell(wrap.apply(f));
        }
    }

    /** The message's frames; empty when it fits the budget as it is. */
    public List<Frame> split(Object message) {
        Serialization serialization = SerializationExtension.get(system.classicSystem());
        Serializer serializer = serialization.findSerializerFor(message);
        byte[] bytes = serialization.serialize(message).get();
        if (bytes.length <= budget) {
            return List.of();
        }
        int count = (bytes.length + budget - 1) / budget;
        if (count > MAX_FRAMES) {
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " of " + bytes.length
                + " bytes is too large even for frames");
        }
        String manifest = Serializers.manifestFor(serializer, message);
        long transfer = ThreadLocalRandom.current().nextLong();
        List<Frame> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * budget;
            out.add(new Frame(transfer, i, count, serializer.identifier(), manifest,
                Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + budget))));
        }
        log.debug("{} of {} bytes sent in {} frames", message.getClass().getSimpleName(), bytes.length, count);
        return out;
    }

    /** An actor of this node gets messages as they are: nothing is serialized on the way. */
    private static boolean isLocal(RecipientRef<?> to) {
        return to instanceof ActorRef<?> ref && !ref.path().address().hasGlobalScope();
    }
}
