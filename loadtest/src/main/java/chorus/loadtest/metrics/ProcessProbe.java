package chorus.loadtest.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of one process, from {@code /proc/PID/stat} and {@code /proc/PID/status}
 * (Linux). A process that went away reads as NaN.
 */
public final class ProcessProbe {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on every Linux architecture in use

    private final String label;
    private final long pid;

    public ProcessProbe(String label, long pid) {
        this.label = label;
        this.pid = pid;
    }

    /** The generator's own JVM. */
    public static ProcessProbe self() {
        return new ProcessProbe("generator", ProcessHandle.current().pid());
    }

    public String label() {
        return label;
    }

    public long pid() {
        return pid;
    }

    public boolean alive() {
        return Files.exists(Path.of("/proc/" + pid + "/stat"));
    }

    /** User plus system CPU seconds used so far. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            return cpuSecondsOf(stat);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set size in bytes. */
    public double rssBytes() {
        try {
            return rssBytesOf(Files.readString(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** proc(5): the fields after the command name in parentheses; utime and stime are fields 14 and 15. */
    static double cpuSecondsOf(String stat) {
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = rest.trim().split("\\s+");
        // rest starts at field 3 (state), so field n is f[n - 3]
        long utime = Long.parseLong(f[14 - 3]);
        long stime = Long.parseLong(f[15 - 3]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    static double rssBytesOf(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] p = line.substring(6).trim().split("\\s+");
                return Long.parseLong(p[0]) * 1024.0;
            }
        }
        return Double.NaN;
    }

    /** The 1-minute load average of the machine, or NaN. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public String toString() {
        return label + "(" + pid + ")";
    }
}
