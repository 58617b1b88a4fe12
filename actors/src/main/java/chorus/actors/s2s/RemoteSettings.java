package chorus.actors.s2s;

import java.time.Duration;

/**
 * How a {@link RemoteDomain} entity treats what waits for its peer.
 *
 * @param bounceAfter      a stanza not sent by then (the peer is not reached) bounces with remote-server-timeout
 * @param retryMin         the first wait before connecting again; it doubles up to {@code retryMax}
 * @param idleTimeout      a stream with nothing to send for this long is closed
 * @param maxQueuedStanzas stanzas waiting or unacknowledged for one peer; more bounce with resource-constraint
 * @param maxQueuedBytes   their size together
 * @param ackTimeout       a stanza written to the stream that the peer has not acknowledged by then bounces with
 *                         remote-server-timeout, and the stream is closed (what it held after it goes on the next)
 */
public record RemoteSettings(Duration bounceAfter, Duration retryMin, Duration retryMax, Duration idleTimeout,
                             int maxQueuedStanzas, long maxQueuedBytes, Duration ackTimeout) {

    public static final RemoteSettings DEFAULTS = new RemoteSettings(Duration.ofSeconds(60), Duration.ofSeconds(1),
        Duration.ofMinutes(5), Duration.ofMinutes(10), 1000, 10L * 1024 * 1024, Duration.ofSeconds(60));
}
