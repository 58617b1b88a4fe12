package chorus.actors.upload;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The slots this node handed out and that wait for their upload. A slot is used once; one that waited
 * longer than the slot timeout is gone. Shared by the service (which issues) and the HTTP listener
 * (which takes), both on this node: a slot's URL points at the node that issued it.
 */
public final class Slots {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Slots waiting at one time, over all users; more requests are refused until some are used or expire. */
    static final int MAX_WAITING = 10_000;

    private final Map<String, Slot> waiting = new ConcurrentHashMap<>();
    private final Clock clock;

    public Slots(Clock clock) {
        this.clock = clock;
    }

    /** A new slot, or empty when too many wait. */
    Optional<Slot> issue(String owner, String filename, long size, String contentType, UploadSettings settings) {
        waiting.values().removeIf(s -> s.expires().isBefore(clock.instant()));
        if (waiting.size() >= MAX_WAITING) {
            return Optional.empty();
        }
        byte[] t = new byte[18];
        RANDOM.nextBytes(t);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
        Slot s = new Slot(token, owner, filename, size, contentType, clock.instant().plus(settings.slotTimeout()));
        waiting.put(token, s);
        return Optional.of(s);
    }

    /** The slot for an upload, which is then used up; empty when unknown or expired. */
    public Optional<Slot> take(String token) {
        Slot s = waiting.remove(token);
        if (s == null || s.expires().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** The owner's account is gone: its waiting slots are void. */
    public void revoke(String owner) {
        waiting.values().removeIf(s -> s.owner().equals(owner));
    }

    /** Slots the owner has waiting now. */
    int open(String owner) {
        java.time.Instant now = clock.instant();
        return (int) waiting.values().stream().filter(s -> s.owner().equals(owner) && !s.expires().isBefore(now)).count();
    }

    /** Bytes the owner's waiting slots will take: counted against the quota before they are used. */
    long reserved(String owner) {
        return waiting.values().stream().filter(s -> s.owner().equals(owner)).mapToLong(Slot::size).sum();
    }
}
