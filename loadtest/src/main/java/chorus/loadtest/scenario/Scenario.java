package chorus.loadtest.scenario;

/** A load scenario: it logs users in, makes traffic, and writes what it found into the run's report. */
public interface Scenario {
    String name();

    /** Puts the scenario's parameters into the report (before the run starts). */
    void describe(RunContext ctx);

    /** Runs until done or the run's deadline; then leaves no session open. */
    void run(RunContext ctx) throws Exception;
}
