package chorus.node.c2s;

import chorus.actors.router.Router;
import chorus.actors.xmpp.DomainJid;
import chorus.node.admin.AccountService;
import chorus.node.config.Settings;
import chorus.node.sasl.SaslMechanisms;
import chorus.node.tls.TlsContexts;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.time.Clock;

/** What every client session of this node shares: settings, TLS, the router, sharding, counters. */
public record C2sContext(Settings settings, TlsContexts tls, Router router, ClusterSharding sharding, Clock clock,
                         SessionCounter counter, SaslMechanisms sasl, AccountService accounts, RegistrationLimiter limiter) {

    public DomainJid domain() {
        return settings.domain();
    }

    @Override
    public String toString() {
        return "C2sContext[" + settings.domain() + "]";
    }
}
