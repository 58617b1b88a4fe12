package chorus.actors.caps;

import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * XEP-0115 §5: the verification string of a disco#info answer, so that an answer is shared only when it is the one
 * the caps hash promised (§5.4). Answers that break §5.4's rules (duplicate identities or features, malformed
 * extended forms) do not verify.
 */
public final class CapsVerifier {
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";

    /** §5.1 sorts by "i;octet": the UTF-8 bytes, unsigned. */
    static final Comparator<String> OCTET = (a, b) -> {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    };

    private CapsVerifier() {
    }

    /** Whether this disco#info answer hashes to the caps' verification string. */
    public static boolean verifies(Caps caps, Element query) {
        if (!caps.verifiable()) {
            return false;
        }
        return ver(query, caps.hash()).map(caps.ver()::equals).orElse(false);
    }

    /** The verification string of an answer with this algorithm, or empty when either is unusable. */
    public static Optional<String> ver(Element query, String hash) {
        MessageDigest digest;
        try {
            String name = hash.toUpperCase(Locale.ROOT);
            // §5.4: SHA-1 is what clients use; MD5 is too weak to trust an answer on.
            if (!name.startsWith("SHA-")) {
                return Optional.empty();
            }
            digest = MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
        return verificationString(query)
            .map(s -> Base64.getEncoder().encodeToString(digest.digest(s.getBytes(StandardCharsets.UTF_8))));
    }

    /** §5.1 (with §5.4's checks): the string that is hashed, or empty when the answer is malformed. */
    static Optional<String> verificationString(Element query) {
        List<String> identities = new ArrayList<>();
        for (Element i : query.elements("identity", DISCO_INFO)) {
            String lang = i.attr("xml:lang");
            identities.add(nz(i.attr("category")) + "/" + nz(i.attr("type")) + "/" + nz(lang) + "/" + nz(i.attr("name")));
        }
        List<String> features = new ArrayList<>();
        for (Element f : query.elements("feature", DISCO_INFO)) {
            features.add(nz(f.attr("var")));
        }
        if (new HashSet<>(identities).size() != identities.size() || new HashSet<>(features).size() != features.size()) {
            return Optional.empty();
        }
        identities.sort(OCTET);
        features.sort(OCTET);
        StringBuilder s = new StringBuilder();
        identities.forEach(i -> s.append(i).append('<'));
        features.forEach(f -> s.append(f).append('<'));
        List<String[]> forms = new ArrayList<>();
        Set<String> formTypes = new HashSet<>();
        try {
            for (Element x : query.elements("x", DataForm.NS)) {
                Optional<String[]> form = "result".equals(x.attr("type")) ? form(x) : Optional.empty();
                // §5.4 3.4: one form per FORM_TYPE.
                if (form.isPresent() && !formTypes.add(form.get()[0])) {
                    return Optional.empty();
                }
                form.ifPresent(forms::add);
            }
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
        forms.sort((a, b) -> OCTET.compare(a[0], b[0]));
        for (String[] form : forms) {
            s.append(form[1]);
        }
        return Optional.of(s.toString());
    }

    /**
     * One extended form as {FORM_TYPE, its part of the string}; empty for a form that §5.4 says to ignore (no
     * FORM_TYPE, or one not hidden); IllegalArgumentException for one that makes the whole answer ill-formed.
     */
    private static Optional<String[]> form(Element x) {
        String formType = null;
        boolean hidden = false;
        List<String[]> fields = new ArrayList<>();
        for (Element field : x.elements("field", DataForm.NS)) {
            String var = nz(field.attr("var"));
            List<String> values = new ArrayList<>();
            for (Element v : field.elements("value", DataForm.NS)) {
                values.add(v.text());
            }
            if (var.equals("FORM_TYPE")) {
                // §5.4 3.5: more than one FORM_TYPE value makes the answer ill-formed.
                if (formType != null || values.size() != 1) {
                    throw new IllegalArgumentException("FORM_TYPE");
                }
                formType = values.get(0);
                hidden = "hidden".equals(field.attr("type"));
                continue;
            }
            values.sort(OCTET);
            StringBuilder f = new StringBuilder(var).append('<');
            values.forEach(v -> f.append(v).append('<'));
            fields.add(new String[] {var, f.toString()});
        }
        // §5.4 3.6: a form whose FORM_TYPE is missing or not hidden is ignored.
        if (formType == null || !hidden) {
            return Optional.empty();
        }
        fields.sort((a, b) -> OCTET.compare(a[0], b[0]));
        StringBuilder s = new StringBuilder(formType).append('<');
        fields.forEach(f -> s.append(f[1]));
        return Optional.of(new String[] {formType, s.toString()});
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
