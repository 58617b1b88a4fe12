package chorus.actors.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The receiving end of {@link Frames}: collects the frames of each transfer, in order, and gives back the
 * message once its last frame arrived. Bounded: a few transfers at a time (the oldest unfinished one is
 * dropped for a new one), frames out of order drop their transfer. Not thread-safe: one per actor.
 */
public final class FrameAssembly {
    private static final Logger log = LoggerFactory.getLogger(FrameAssembly.class);
    static final int MAX_TRANSFERS = 8;

    private final ActorSystem<?> system;
    private final Map<Long, Partial> partial = new LinkedHashMap<>();

    private static final class Partial {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int next;
    }

    public FrameAssembly(ActorSystem<?> system) {
        this.system = system;
    }

    /** The whole message when {@code f} was its last frame; empty before, and for a broken transfer. */
    public Optional<Object> accept(Frame f) {
        if (f.count() < 1 || f.count() > Frames.MAX_FRAMES || f.index() < 0 || f.index() >= f.count()) {
            return Optional.empty();
        }
        Partial p = partial.get(f.transfer());
        if (p == null) {
            if (f.index() != 0) {
                return Optional.empty(); // the start was lost or dropped: so is the rest
            }
            if (partial.size() >= MAX_TRANSFERS) {
                Long oldest = partial.keySet().iterator().next();
                partial.remove(oldest);
                log.warn("dropped an unfinished transfer of frames: too many at once");
            }
            p = new Partial();
            partial.put(f.transfer(), p);
        }
        if (f.index() != p.next) {
            partial.remove(f.transfer());
            log.warn("dropped a transfer of frames: frame {} came where {} was due", f.index(), p.next);
            return Optional.empty();
        }
        p.bytes.writeBytes(f.bytes());
        p.next++;
        if (p.next < f.count()) {
            return Optional.empty();
        }
        partial.remove(f.transfer());
        return Optional.of(SerializationExtension.get(system.classicSystem())
            .deserialize(p.bytes.toByteArray(), f.serializerId(), f.manifest()).get());
    }

    /** Transfers under way, for tests. */
    int pending() {
        return partial.size();
    }
}
