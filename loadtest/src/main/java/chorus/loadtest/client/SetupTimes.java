package chorus.loadtest.client;

/**
 * Where the time of one login went, in nanoseconds: TCP connect; TLS (for STARTTLS from the TCP
 * connection to the end of the handshake, so the stream header and STARTTLS round trips count here);
 * SASL from TLS to {@code <success/>}; resource binding (and the legacy session, if the server wants
 * it) from there to the bound resource.
 */
public record SetupTimes(long tcp, long tls, long auth, long bind) {
    public long total() {
        return tcp + tls + auth + bind;
    }
}
