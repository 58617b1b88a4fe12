package chorus.loadtest.scenario;

/** How fast a scenario logs its users in: at most {@code rate} new connections per second (0: no limit), at most {@code concurrency} setting up at once. */
public record LoginPolicy(double rate, int concurrency) {
    public LoginPolicy {
        if (rate < 0 || concurrency < 1) {
            throw new IllegalArgumentException("login rate >= 0 and concurrency >= 1");
        }
    }
}
