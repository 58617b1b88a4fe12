package chorus.loadtest.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a server JVM, through {@code jcmd}: a full GC ({@code GC.run}), then the used heap
 * from {@code GC.heap_info}. The GC pauses the server, so a scenario does it only at quiet moments.
 */
public final class JvmHeap {
    /** Java 17: "total 262144K, used 45436K"; Java 25: "total reserved 6172672K, committed 393216K, used 11171K". */
    private static final Pattern USED = Pattern.compile("total\\s+(?:reserved\\s+\\d+K,\\s+committed\\s+)?\\d+K,\\s+used\\s+(\\d+)K");

    private JvmHeap() {
    }

    /** Whether the process looks like a JVM (its executable is named java). */
    public static boolean isJvm(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString().equals("java");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Used heap in bytes after a full GC, or NaN when jcmd cannot tell. */
    public static double liveHeapBytes(long pid) {
        if (run(pid, "GC.run") == null) {
            return Double.NaN;
        }
        String info = run(pid, "GC.heap_info");
        return info == null ? Double.NaN : usedBytesOf(info);
    }

    /** Sums the 'used' of the heap's top-level spaces (one line for G1, young and old for others). */
    static double usedBytesOf(String heapInfo) {
        Matcher m = USED.matcher(heapInfo);
        long kb = 0;
        boolean found = false;
        while (m.find()) {
            kb += Long.parseLong(m.group(1));
            found = true;
        }
        return found ? kb * 1024.0 : Double.NaN;
    }

    private static String run(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
