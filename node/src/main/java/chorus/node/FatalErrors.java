package chorus.node;

/**
 * What a node does with an error the JVM cannot recover from (issue 14): it ends the process at
 * once, so that its supervisor (systemd, Kubernetes) starts a healthy one, instead of limping on with
 * threads that died half-way. {@code -XX:+ExitOnOutOfMemoryError} in every start script does the same for
 * the commonest case before any handler runs; this catches the rest, and what reaches a handler.
 */
public final class FatalErrors {
    /** The exit status of a node that ended itself on a fatal error or a shutdown past its deadline. */
    public static final int EXIT_STATUS = 4;

    private FatalErrors() {
    }

    /**
     * A {@link VirtualMachineError} (out of memory, internal error) anywhere in the cause chain. A stack
     * overflow is one connection's problem (deep input is refused before it could cause one) and is not.
     */
    public static boolean isFatal(Throwable t) {
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                return true;
            }
        }
        return false;
    }

    /** Halts the JVM if {@code t} is fatal: no shutdown hook runs, since those may need what just failed. */
    public static void haltIfFatal(Throwable t) {
        if (isFatal(t)) {
            halt("fatal error " + t.getClass().getName());
        }
    }

    public static void halt(String why) {
        try {
            System.err.println("chorus: " + why + "; exiting");
            System.err.flush();
        } finally {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    /** Every thread that dies of a fatal error ends the process. */
    public static void installHandler() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            haltIfFatal(e);
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.println("chorus: thread " + thread.getName() + " died: " + e);
            }
        });
    }
}
