package chorus.node.sasl;

/**
 * Parsers of the two SCRAM client messages (RFC 5802 §7). They check the syntax only; {@link ScramServer} checks
 * what the values mean. Error texts are the server-error-value names of RFC 5802 §7 where one fits.
 */
final class ScramMessages {

    /**
     * client-first-message: the GS2 header (kept verbatim: the client echoes it in c=), the authorization identity
     * (null if none), the decoded username, the client nonce and client-first-message-bare (verbatim: it is part of
     * AuthMessage); the GS2 channel-binding flag ('n', 'y' or 'p') and, for 'p', the binding type the client
     * asks for.
     */
    record ClientFirst(String gs2Header, String authzid, String username, String clientNonce, String bare,
                       char flag, String bindingType) {
        @Override
        public String toString() {
            return "ClientFirst[" + username + "]";
        }
    }

    /** client-final-message: the decoded c= and p= values, r=, and client-final-message-without-proof verbatim. */
    record ClientFinal(byte[] channelBinding, String nonce, byte[] proof, String withoutProof) {
        @Override
        public String toString() {
            return "ClientFinal[]";
        }
    }

    /** A message the server refuses, with the failure to answer. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SaslStep.Failure failure;

        Refused(SaslFailure condition, String text) {
            super(text, null, false, false);
            this.failure = new SaslStep.Failure(condition, text);
        }

        SaslStep.Failure failure() {
            return failure;
        }
    }

    private ScramMessages() {
    }

    /** client-first-message = gs2-header client-first-message-bare (RFC 5802 §7). */
    static ClientFirst parseClientFirst(byte[] data) throws Refused {
        String m = text(data);
        int flagEnd = m.indexOf(',');
        int authzidEnd = flagEnd < 0 ? -1 : m.indexOf(',', flagEnd + 1);
        if (authzidEnd < 0) {
            throw malformed("other-error");
        }
        String flag = m.substring(0, flagEnd);
        String bindingType = null;
        if (flag.startsWith("p=")) {
            // RFC 5802 §7: cb-name = 1*(ALPHA / DIGIT / "." / "-"); whether the mechanism and the connection
            // offer it is the server's to judge.
            bindingType = flag.substring(2);
            if (!bindingType.matches("[A-Za-z0-9.-]+")) {
                throw malformed("other-error");
            }
        } else if (!flag.equals("n") && !flag.equals("y")) {
            throw malformed("other-error");
        }
        String authzidField = m.substring(flagEnd + 1, authzidEnd);
        String authzid = null;
        if (!authzidField.isEmpty()) {
            if (!authzidField.startsWith("a=")) {
                throw malformed("other-error");
            }
            authzid = saslName(authzidField.substring(2));
        }
        String bare = m.substring(authzidEnd + 1);
        String[] attrs = bare.split(",", -1);
        if (attrs[0].startsWith("m=")) {
            // RFC 5802 §5.1: m= announces a mandatory extension; the server must fail if it does not support it.
            throw malformed("extensions-not-supported");
        }
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
            throw malformed("other-error");
        }
        String nonce = attrs[1].substring(2);
        if (!isPrintable(nonce)) {
            throw malformed("other-error");
        }
        checkExtensions(attrs, 2);
        return new ClientFirst(m.substring(0, authzidEnd + 1), authzid, saslName(attrs[0].substring(2)), nonce, bare,
                flag.charAt(0), bindingType);
    }

    /** client-final-message = client-final-message-without-proof "," proof (RFC 5802 §7). */
    static ClientFinal parseClientFinal(byte[] data) throws Refused {
        String m = text(data);
        int proofAt = m.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw malformed("other-error");
        }
        String withoutProof = m.substring(0, proofAt);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
            throw malformed("other-error");
        }
        checkExtensions(attrs, 2);
        return new ClientFinal(base64(attrs[0].substring(2)), attrs[1].substring(2), base64(m.substring(proofAt + 3)),
                withoutProof);
    }

    /**
     * saslname (RFC 5802 §7): "=2C" stands for "," and "=3D" for "="; any other "=" is invalid-username-encoding,
     * as is a NUL or an empty name.
     */
    static String saslName(String s) throws Refused {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=') {
                String escape = s.length() >= i + 3 ? s.substring(i + 1, i + 3) : "";
                if (escape.equalsIgnoreCase("2C")) {
                    out.append(',');
                } else if (escape.equalsIgnoreCase("3D")) {
                    out.append('=');
                } else {
                    throw malformed("invalid-username-encoding");
                }
                i += 2;
            } else if (c == '\0') {
                throw malformed("invalid-username-encoding");
            } else {
                out.append(c);
            }
        }
        if (out.length() == 0) {
            throw malformed("invalid-username-encoding");
        }
        return out.toString();
    }

    /** printable = %x21-2B / %x2D-7E, one or more (RFC 5802 §7 c-nonce and s-nonce). */
    static boolean isPrintable(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                return false;
            }
        }
        return true;
    }

    /** extensions = attr-val *("," attr-val); attr-val = ALPHA "=" value. Their values are ignored. */
    private static void checkExtensions(String[] attrs, int from) throws Refused {
        for (int i = from; i < attrs.length; i++) {
            String a = attrs[i];
            if (a.length() < 2 || a.charAt(1) != '=' || !isAsciiLetter(a.charAt(0))) {
                throw malformed("other-error");
            }
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String text(byte[] data) throws Refused {
        String m = data == null ? null : SaslWire.utf8(data);
        if (m == null) {
            throw malformed("invalid-encoding");
        }
        return m;
    }

    private static byte[] base64(String s) throws Refused {
        try {
            return SaslWire.decodeBase64(s);
        } catch (SaslWire.IncorrectEncodingException e) {
            throw malformed("invalid-encoding");
        }
    }

    private static Refused malformed(String text) {
        return new Refused(SaslFailure.MALFORMED_REQUEST, text);
    }
}
