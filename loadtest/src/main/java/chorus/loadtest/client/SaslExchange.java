package chorus.loadtest.client;

import chorus.loadtest.sasl.SaslClient;
import chorus.loadtest.sasl.SaslException;
import chorus.loadtest.xml.XmlElement;

import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One {@link XmppSession}'s SASL exchange (RFC 6120 §6): the configured mechanism, if the server offers it, then
 * challenges answered and the server's success verified. Challenges are answered on a crypto pool: SCRAM's key
 * derivation (thousands of HMACs) must not stall the event loop that serves hundreds of other connections, or their
 * timings would include it; the answer is written from the session's event loop, if the exchange is still the
 * session's.
 */
final class SaslExchange {
    /** Where SCRAM keys are derived, one thread per core. */
    private static final ExecutorService CRYPTO = Executors.newFixedThreadPool(
        Runtime.getRuntime().availableProcessors(), new io.netty.util.concurrent.DefaultThreadFactory("loadtest-scram", true));

    private final XmppSession session;
    private final SaslClient client;

    private SaslExchange(XmppSession session, SaslClient client) {
        this.session = session;
        this.client = client;
    }

    /**
     * Starts the exchange with the mechanism the configuration names, if {@code features} offers it.
     *
     * @return the exchange, or null when the mechanism is not offered (the session failed)
     */
    static SaslExchange start(XmppSession session, XmlElement features, Account account, ClientConfig config) {
        XmlElement mechs = features.child("mechanisms", Ns.SASL);
        String wanted = config.mechanism().saslName();
        boolean offered = mechs != null && mechs.children().stream().anyMatch(m -> m.text().trim().equals(wanted));
        if (!offered) {
            session.fail("mechanism-not-offered:" + wanted);
            return null;
        }
        SaslClient client = config.mechanism().client(account.username(), account.password(), config.scramCache(),
            SaslExchange::nonce);
        session.send(Stanzas.auth(client.mechanism(), Base64.getEncoder().encodeToString(client.initialResponse())));
        return new SaslExchange(session, client);
    }

    /** The server's next SASL element. */
    void element(XmlElement e) {
        try {
            if (e.is("challenge", Ns.SASL)) {
                respondOffLoop(decode(e.text()));
            } else if (e.is("success", Ns.SASL)) {
                client.verifySuccess(decode(e.text()));
                session.authenticated();
            } else if (e.is("failure", Ns.SASL)) {
                session.fail("sasl:" + (e.children().isEmpty() ? "failure" : e.children().get(0).name()));
            } else {
                session.fail("unexpected:" + e.name());
            }
        } catch (SaslException | IllegalArgumentException ex) {
            session.fail("sasl:client-side");
        }
    }

    private void respondOffLoop(byte[] challenge) {
        CompletableFuture.supplyAsync(() -> {
            try {
                return client.respond(challenge);
            } catch (SaslException ex) {
                throw new CompletionException(ex);
            }
        }, CRYPTO).whenComplete((reply, err) -> session.eventLoop().execute(() -> {
            if (!session.authenticating(this)) {
                return;
            }
            if (err != null) {
                session.fail("sasl:client-side");
            } else {
                session.send(Stanzas.saslResponse(Base64.getEncoder().encodeToString(reply)));
            }
        }));
    }

    private static byte[] decode(String text) {
        String t = text.trim();
        return t.isEmpty() || t.equals("=") ? new byte[0] : Base64.getDecoder().decode(t);
    }

    private static String nonce() {
        byte[] b = new byte[18];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getEncoder().encodeToString(b).replace(',', '-');
    }
}
