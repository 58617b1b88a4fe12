package chorus.actors.account;

import chorus.actors.xmpp.Element;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An account's SCRAM keys as XEP-0227 §3.4 writes them: one {@code <scram-credentials/>} per mechanism
 * ({@code urn:xmpp:pie:0#scram}) with the iteration count, salt, ServerKey and StoredKey in base64, as Prosody and
 * ejabberd export them (ejabberd 23.01 encodes its keys and salt twice: read as well). Never the password.
 */
public final class PortableCredentials {
    public static final String NS = "urn:xmpp:pie:0#scram";

    private PortableCredentials() {
    }

    /** The elements of the keys there are, SCRAM-SHA-1 first. */
    public static List<Element> toElements(Credentials c) {
        List<Element> out = new ArrayList<>(2);
        for (ScramHash h : ScramHash.values()) {
            ScramCredentials k = c.scram(h);
            if (k != null) {
                Base64.Encoder b64 = Base64.getEncoder();
                out.add(Element.build("scram-credentials", NS).attr("mechanism", h.mechanism())
                    .textChild("iter-count", NS, Integer.toString(k.iterations()))
                    .textChild("salt", NS, b64.encodeToString(k.salt()))
                    .textChild("server-key", NS, b64.encodeToString(k.serverKey()))
                    .textChild("stored-key", NS, b64.encodeToString(k.storedKey()))
                    .get());
            }
        }
        return out;
    }

    /**
     * The keys in these children of a {@code <user/>}, or null when there are none of a mechanism this server knows
     * (SCRAM-SHA-512 and others are left out). Malformed keys: IllegalArgumentException, naming no value.
     */
    public static Credentials fromElements(List<Element> userChildren) {
        ScramCredentials sha1 = null;
        ScramCredentials sha256 = null;
        for (Element e : userChildren) {
            if (!e.is("scram-credentials", NS)) {
                continue;
            }
            ScramHash hash = ScramHash.forMechanism(e.attr("mechanism")).orElse(null);
            if (hash == null) {
                continue;
            }
            ScramCredentials k;
            try {
                Base64.Decoder b64 = Base64.getMimeDecoder();
                byte[] salt = b64.decode(text(e, "salt"));
                byte[] stored = b64.decode(text(e, "stored-key"));
                byte[] server = b64.decode(text(e, "server-key"));
                byte[] storedTwice = twice(stored, hash);
                byte[] serverTwice = twice(server, hash);
                if (storedTwice != null && serverTwice != null) {
                    // ejabberd 23.01's export_piefxis encodes once more the keys and salt it keeps in base64.
                    stored = storedTwice;
                    server = serverTwice;
                    salt = Base64.getDecoder().decode(salt);
                }
                k = new ScramCredentials(hash, salt, Integer.parseInt(text(e, "iter-count")), stored, server);
            } catch (IllegalArgumentException | NullPointerException e2) {
                throw new IllegalArgumentException("malformed " + hash.mechanism() + " credentials");
            }
            if (hash == ScramHash.SHA_1) {
                sha1 = k;
            } else {
                sha256 = k;
            }
        }
        return sha1 == null && sha256 == null ? null : new Credentials(sha1, sha256);
    }

    /**
     * The key inside {@code decoded} when that is itself the base64 of a key of the hash's length (a key that was
     * encoded twice), else null. A key of the right length is never taken for one encoded twice: base64 of 20 or 32
     * bytes is 28 or 44 characters long.
     */
    private static byte[] twice(byte[] decoded, ScramHash hash) {
        if (decoded.length == hash.length()) {
            return null;
        }
        try {
            byte[] again = Base64.getDecoder().decode(decoded);
            return again.length == hash.length() ? again : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static String text(Element e, String name) {
        return e.childText(name, NS).map(String::strip).orElse(null);
    }
}
