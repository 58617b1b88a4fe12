package chorus.node.check;

/** One result of a check: what was found, and for a problem, how to fix it. */
public record Finding(Level level, String area, String message, String fix) {

    /** OK: as it should be. WARN: works, but likely not what the admin wants. FAIL: broken. */
    public enum Level { OK, WARN, FAIL }

    public static Finding ok(String area, String message) {
        return new Finding(Level.OK, area, message, "");
    }

    public static Finding warn(String area, String message, String fix) {
        return new Finding(Level.WARN, area, message, fix);
    }

    public static Finding fail(String area, String message, String fix) {
        return new Finding(Level.FAIL, area, message, fix);
    }
}
