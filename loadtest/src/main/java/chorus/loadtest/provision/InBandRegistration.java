package chorus.loadtest.provision;

import chorus.loadtest.client.Accounts;
import chorus.loadtest.client.Connector;
import chorus.loadtest.client.XmppSession;

import java.util.function.IntConsumer;

/**
 * Creates accounts on any server that allows XEP-0077 in-band registration: one connection per
 * account, TLS, then the registration IQ instead of SASL. An existing account (conflict) counts as done.
 */
public final class InBandRegistration {
    private InBandRegistration() {
    }

    public static ProvisionResult registerAll(Connector connector, Accounts accounts, int parallel, IntConsumer progress)
        throws InterruptedException {
        return Provisioning.run(accounts.count(), parallel, progress,
            i -> connector.open(i, accounts.get(i), XmppSession.Purpose.REGISTER, null).ready().thenApply(s -> {
                s.close(null);
                return s.existed() ? Provisioning.Outcome.EXISTING : Provisioning.Outcome.CREATED;
            }));
    }
}
