package chorus.actors.feature.adhoc;

import chorus.actors.xmpp.Jid;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command sessions in progress (XEP-0050 §3.3) on this node: which requester started which command, until it
 * completes, is canceled or expires. A requester's stages all come through the node that holds its stream, so the
 * sessions need no cluster-wide state: a client that reconnects to another node starts again. Bounded: a session
 * expires after {@code lifetime}, one requester holds at most {@code perRequester} (starting another ends its oldest),
 * and the node at most {@code max} (the oldest make room). Only the command's node is kept, never a submitted value.
 * Thread-safe: every client session's actor may ask.
 */
public final class CommandSessions {

    /** One session: who started it, for which command, and until when it may go on. */
    record Session(Jid owner, String node, Instant expires) {
    }

    /** What became of a session id a requester sent. */
    public enum Lookup { FOUND, UNKNOWN, EXPIRED }

    private final Clock clock;
    private final Duration lifetime;
    private final int max;
    private final int perRequester;
    private final SecureRandom random = new SecureRandom();
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

    public CommandSessions(Clock clock, Duration lifetime, int max, int perRequester) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.max = max;
        this.perRequester = perRequester;
    }

    /** Ten minutes, 1000 per node, 5 per requester. */
    public static CommandSessions defaults(Clock clock) {
        return new CommandSessions(clock, Duration.ofMinutes(10), 1000, 5);
    }

    /** A new session of {@code owner} for {@code node}; its id is unguessable and never used again. */
    public synchronized String open(Jid owner, String node) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> s.expires().isBefore(now));
        int owned = 0;
        String oldestOwned = null;
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            if (e.getValue().owner().equals(owner)) {
                owned++;
                oldestOwned = oldestOwned == null ? e.getKey() : oldestOwned;
            }
        }
        if (owned >= perRequester) {
            sessions.remove(oldestOwned);
        }
        Iterator<String> oldest = sessions.keySet().iterator();
        while (sessions.size() >= max && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        String id = id(node);
        sessions.put(id, new Session(owner, node, now.plus(lifetime)));
        return id;
    }

    /** A fresh session id that is not kept: a command that completes at once still names its session (§3.3). */
    public String id(String node) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return shortName(node) + ":" + HexFormat.of().formatHex(b);
    }

    /** Whether this requester's session for this command goes on; an expired one is forgotten. */
    public synchronized Lookup find(String id, Jid owner, String node) {
        Session s = sessions.get(id);
        if (s == null || !s.owner().equals(owner) || !s.node().equals(node)) {
            return Lookup.UNKNOWN;
        }
        if (s.expires().isBefore(clock.instant())) {
            sessions.remove(id);
            return Lookup.EXPIRED;
        }
        return Lookup.FOUND;
    }

    /** The session ended (completed or canceled): its id is never accepted again. */
    public synchronized void close(String id) {
        sessions.remove(id);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /** The part after the last '#' or '/', as the XEP's examples name sessions ({@code add-user:...}). */
    private static String shortName(String node) {
        int i = Math.max(node.lastIndexOf('#'), node.lastIndexOf('/'));
        return node.substring(i + 1);
    }

    @Override
    public synchronized String toString() {
        return "CommandSessions[" + sessions.size() + "]";
    }
}
