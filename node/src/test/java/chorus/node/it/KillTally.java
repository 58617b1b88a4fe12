package chorus.node.it;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The count of a kill -9 run ({@link RemoteOwnerKillIT}): what was sent, what arrived, what came back as an error. */
final class KillTally {
    private KillTally() {
    }

    /** Messages that arrived or came back as an error. */
    static long settled(List<String> sent, Map<String, AtomicInteger> delivered, Set<String> errored) {
        synchronized (sent) {
            return sent.stream().filter(k -> delivered.containsKey(k) || errored.contains(k)).count();
        }
    }

    static String numbers(List<String> sent, Map<String, AtomicInteger> delivered, Set<String> errored, int beforeKill) {
        synchronized (sent) {
            long got = sent.stream().filter(delivered::containsKey).count();
            long dup = sent.stream().filter(k -> delivered.containsKey(k) && delivered.get(k).get() > 1).count();
            long copies = sent.stream().filter(delivered::containsKey).mapToLong(k -> delivered.get(k).get() - 1).sum();
            long both = sent.stream().filter(k -> delivered.containsKey(k) && errored.contains(k)).count();
            long lost = sent.stream().filter(k -> !delivered.containsKey(k) && !errored.contains(k)).count();
            return "sent " + sent.size() + " (" + beforeKill + " before the kill), delivered " + got + ", errored "
                + errored.size() + ", delivered twice or more " + dup + " (" + copies + " extra copies), delivered and"
                + " errored " + both + ", lost " + lost;
        }
    }

    /** Waits up to {@code max} for every ping to be answered, then counts them: answered, errors, never answered. */
    static String pings(List<? extends org.jivesoftware.smack.SmackFuture<?, Exception>> pings, java.time.Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && !pings.stream().allMatch(java.util.concurrent.Future::isDone)) {
            Thread.sleep(500);
        }
        int answered = 0;
        int errors = 0;
        List<String> failures = new java.util.ArrayList<>();
        for (var f : pings) {
            if (!f.isDone()) {
                failures.add("no answer yet");
                continue;
            }
            try {
                f.getOrThrow();
                answered++;
            } catch (org.jivesoftware.smack.XMPPException.XMPPErrorException e) {
                errors++;
            } catch (Exception e) {
                failures.add(e.toString());
            }
        }
        return pings.size() + " sent, " + answered + " answered, " + errors + " errors, " + failures.size()
            + " never answered " + new java.util.TreeSet<>(failures);
    }
}
