package chorus.node.login;

import chorus.actors.xmpp.BareJid;
import chorus.node.xmppstream.ClientSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Failed logins, counted per account name and per source, slow down and then refuse further logins of that name or
 * from that source for a while. A name is counted whether or not it is an account, so neither the delays nor the
 * refusals tell which names exist. Counts live in memory only.
 */
public interface LoginThrottle {

    /** Which count refused a login. */
    enum Scope { ACCOUNT, SOURCE }

    /**
     * What the counts say about a login now: refused (by which count), or how far past its slow-down threshold
     * the more advanced of the two counts is ({@code excess}, 0: not slowed).
     */
    record Verdict(Scope refusedBy, int excess) {
        public static final Verdict FREE = new Verdict(null, 0);

        public boolean refused() {
            return refusedBy != null;
        }

        /** The delay of a failure's answer: {@code base}, doubled for each failure past the threshold, at most max. */
        public Duration failureDelay(Duration base, Duration max) {
            if (excess <= 0) {
                return base;
            }
            long millis = Math.max(1, base.toMillis());
            for (int i = 0; i < excess && millis < max.toMillis(); i++) {
                millis *= 2;
            }
            return Duration.ofMillis(Math.min(millis, Math.max(max.toMillis(), base.toMillis())));
        }
    }

    /** What the counts say about a login of {@code account} from {@code source}; never fails (on trouble: FREE). */
    CompletionStage<Verdict> check(BareJid account, ClientSource source);

    /** A login of {@code account} from {@code source} failed (wrong password, or no such account). */
    void failed(BareJid account, ClientSource source);

    /** {@code account} logged in: its count starts again (the source's does not). */
    void succeeded(BareJid account);

    /** Counts nothing, refuses nothing. */
    LoginThrottle NONE = new LoginThrottle() {
        @Override
        public CompletionStage<Verdict> check(BareJid account, ClientSource source) {
            return CompletableFuture.completedFuture(Verdict.FREE);
        }

        @Override
        public void failed(BareJid account, ClientSource source) {
        }

        @Override
        public void succeeded(BareJid account) {
        }
    };
}
