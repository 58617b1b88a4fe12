package chorus.loadtest.sasl;

import java.util.function.Supplier;

/** The mechanisms the generator can use, by their registered names. */
public enum Mechanism {
    SCRAM_SHA_1("SCRAM-SHA-1"),
    SCRAM_SHA_256("SCRAM-SHA-256"),
    PLAIN("PLAIN");

    private final String saslName;

    Mechanism(String saslName) {
        this.saslName = saslName;
    }

    public String saslName() {
        return saslName;
    }

    /** Accepts the SASL name (SCRAM-SHA-1) or the enum's (scram_sha_1), in any case. */
    public static Mechanism parse(String s) {
        for (Mechanism m : values()) {
            if (m.saslName.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown SASL mechanism '" + s + "' (SCRAM-SHA-1, SCRAM-SHA-256, PLAIN)");
    }

    /** A fresh client for one exchange. */
    public SaslClient client(String username, String password, SaltedPasswordCache cache, Supplier<String> nonce) {
        return switch (this) {
            case SCRAM_SHA_1 -> new ScramClient(ScramHash.SHA_1, username, password, nonce.get(), cache);
            case SCRAM_SHA_256 -> new ScramClient(ScramHash.SHA_256, username, password, nonce.get(), cache);
            case PLAIN -> new PlainClient(username, password);
        };
    }
}
