package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.account.ScramHash;
import chorus.actors.xmpp.DomainJid;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** Which mechanisms a session offers, and a fresh server-side mechanism for each {@code <auth/>}. */
public final class SaslMechanisms {
    public static final String SCRAM_SHA_256 = ScramHash.SHA_256.mechanism();
    public static final String SCRAM_SHA_1 = ScramHash.SHA_1.mechanism();
    public static final String PLAIN = PlainServer.NAME;
    /** Every mechanism Chorus implements, strongest first. */
    public static final List<String> ALL = List.of(SCRAM_SHA_256, SCRAM_SHA_1, PLAIN);
    /** The suffix of the channel-binding variant of a SCRAM mechanism (RFC 5802 §4). */
    public static final String PLUS = "-PLUS";

    private final SaslSettings settings;
    private final DecoyCredentials decoys;
    private final Supplier<String> serverNonces;

    /** One for the node: the settings and a SecureRandom for the SCRAM nonces. Thread-safe. */
    public SaslMechanisms(SaslSettings settings, SecureRandom random) {
        this(settings, ScramServer.randomNonces(Objects.requireNonNull(random, "random")));
    }

    /** With fixed SCRAM server nonces, for tests. */
    SaslMechanisms(SaslSettings settings, Supplier<String> serverNonces) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.decoys = new DecoyCredentials(settings.unknownUserSecret(), settings.scramIterations());
        this.serverNonces = serverNonces;
    }

    /**
     * The settings these mechanisms were made with. New passwords must be derived with
     * {@code Credentials.derive(password, settings().scramIterations(), random)}, so that real accounts and the
     * decoys of missing ones show the same iteration count.
     */
    public SaslSettings settings() {
        return settings;
    }

    /**
     * The mechanisms for the {@code <mechanisms/>} feature, in preference order: the configured ones, without
     * PLAIN unless TLS protects the stream.
     */
    public List<String> advertised(boolean tlsActive) {
        return advertised(tlsActive, ChannelBindings.NONE);
    }

    /**
     * As {@link #advertised(boolean)}, with the -PLUS variant of each configured SCRAM mechanism first when the
     * connection has a channel binding and the settings allow it.
     */
    public List<String> advertised(boolean tlsActive, ChannelBindings bindings) {
        List<String> out = new ArrayList<>(settings.mechanisms().size() * 2);
        if (offersPlus(tlsActive, bindings)) {
            for (String m : settings.mechanisms()) {
                if (!m.equals(PLAIN)) {
                    out.add(m + PLUS);
                }
            }
        }
        for (String m : settings.mechanisms()) {
            if (tlsActive || !m.equals(PLAIN)) {
                out.add(m);
            }
        }
        return List.copyOf(out);
    }

    /**
     * A new server-side mechanism for the name in {@code <auth mechanism='...'/>}. A name that was not advertised
     * gives a mechanism whose {@code start} fails: invalid-mechanism, or encryption-required for PLAIN without
     * TLS (RFC 6120 §6.5). Never null; a null name is an unknown one.
     *
     * @param domain the domain the stream is addressed to: the accounts are its accounts
     */
    public SaslMechanism create(String name, DomainJid domain, boolean tlsActive) {
        return create(name, domain, tlsActive, ChannelBindings.NONE);
    }

    /** As {@link #create(String, DomainJid, boolean)}, on a connection with these channel bindings. */
    public SaslMechanism create(String name, DomainJid domain, boolean tlsActive, ChannelBindings bindings) {
        boolean plusOffered = offersPlus(tlsActive, bindings);
        ChannelBindings offered = plusOffered ? bindings : ChannelBindings.NONE;
        // XEP-0474: the same lists the stream features showed (the SASL2 feature shows the same mechanisms).
        Ssdp shown = !settings.downgradeProtection() ? null : Ssdp.of(advertised(tlsActive, bindings), plusOffered, bindings.types());
        if (name != null && name.endsWith(PLUS) && plusOffered
                && settings.mechanisms().contains(name.substring(0, name.length() - PLUS.length()))) {
            Optional<ScramHash> hash = ScramHash.forMechanism(name.substring(0, name.length() - PLUS.length()));
            return new ScramServer(hash.orElseThrow(), domain, decoys, serverNonces, true, offered, shown);
        }
        if (name == null || !settings.mechanisms().contains(name)) {
            return new Unavailable(String.valueOf(name), SaslFailure.INVALID_MECHANISM);
        }
        if (name.equals(PLAIN)) {
            return tlsActive
                    ? new PlainServer(domain, decoys)
                    : new Unavailable(name, SaslFailure.ENCRYPTION_REQUIRED);
        }
        Optional<ScramHash> hash = ScramHash.forMechanism(name);
        return new ScramServer(hash.orElseThrow(), domain, decoys, serverNonces, false, offered, shown);
    }

    private boolean offersPlus(boolean tlsActive, ChannelBindings bindings) {
        return settings.channelBinding() && tlsActive && !bindings.isEmpty();
    }

    /** A mechanism that cannot be used here: every call fails the attempt at once. */
    private record Unavailable(String name, SaslFailure condition) implements SaslMechanism {
        @Override
        public SaslStep start(byte[] initialResponse) {
            return new SaslStep.Failure(condition, null);
        }

        @Override
        public SaslStep respond(byte[] response) {
            return start(response);
        }

        @Override
        public SaslStep credentials(Credentials credentials) {
            throw new IllegalStateException(name + " never asks for credentials");
        }

        @Override
        public SaslStep noSuchAccount() {
            throw new IllegalStateException(name + " never asks for credentials");
        }
    }
}
