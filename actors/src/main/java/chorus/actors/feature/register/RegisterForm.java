package chorus.actors.feature.register;

import chorus.actors.feature.register.RegisterRequest.ChangePassword;
import chorus.actors.feature.register.RegisterRequest.Invalid;
import chorus.actors.feature.register.RegisterRequest.Register;
import chorus.actors.feature.register.RegisterRequest.Remove;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import rocks.xmpp.precis.PrecisProfiles;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * XEP-0077 in-band registration on the wire (section numbers of XEP-0077 2.4): the fields a client is asked for,
 * and what a set asks for. Only username and password are asked; other fields a client sends (an email address)
 * are not kept. Reading never throws: a request that cannot be carried out is an {@link Invalid} with its error.
 */
public final class RegisterForm {
    public static final String NS = "jabber:iq:register";
    /** §8: the stream feature announcing in-band registration to clients (never to servers). */
    public static final Element STREAM_FEATURE = Element.of("register", "http://jabber.org/features/iq-register");
    public static final String DEFAULT_INSTRUCTIONS = "Choose a username and password for use with this service.";
    /** The longest password taken, in UTF-8 bytes (the limit RFC 7622 sets on each part of an address). */
    public static final int MAX_PASSWORD_BYTES = 1023;

    private RegisterForm() {
    }

    /** A registration get or set: a {@code <query xmlns='jabber:iq:register'/>} request. */
    public static boolean owns(Iq iq) {
        return iq.isRequest() && iq.payloadIs(NS, "query");
    }

    /** §3.1: the fields an unregistered entity fills in, with instructions. */
    public static Element form(String instructions) {
        return Element.build("query", NS)
            .textChild("instructions", NS, instructions)
            .child(Element.of("username", NS))
            .child(Element.of("password", NS))
            .get();
    }

    /**
     * §3.1: the answer to an authenticated account's get: {@code <registered/>}, its username, and an empty
     * password (the password on file MAY be left empty, and here none is on file: only its SCRAM hashes are).
     */
    public static Element registered(BareJid account, String instructions) {
        return Element.build("query", NS)
            .child(Element.of("registered", NS))
            .textChild("instructions", NS, instructions)
            .textChild("username", NS, account.local())
            .child(Element.of("password", NS))
            .get();
    }

    /**
     * Reads the query of a registration set. Before authentication ({@code authenticated} null) it registers an
     * account at {@code domain}; after, it changes the account's password or removes the account.
     */
    public static RegisterRequest parse(Element query, DomainJid domain, BareJid authenticated) {
        Optional<Element> remove = query.child("remove", NS);
        if (remove.isPresent()) {
            // §3.2: <remove/> must be the only child, or bad-request.
            if (query.elements().size() != 1) {
                return invalid(Condition.BAD_REQUEST, "remove must be the only element of the query");
            }
            // §3.2: an entity that is not registered (not authenticated) cannot cancel: unexpected-request.
            if (authenticated == null) {
                return invalid(Condition.UNEXPECTED_REQUEST, "authenticate before removing an account");
            }
            return new Remove();
        }
        String username = query.childText("username", NS).orElse("");
        String password = query.childText("password", NS).orElse("");
        return authenticated == null ? register(username, password, domain) : change(username, password, authenticated);
    }

    /** §3.1: both fields are required. */
    private static RegisterRequest register(String username, String password, DomainJid domain) {
        // §3.1: a missing or empty field (an empty password included) is not-acceptable.
        if (username.isEmpty() || password.isEmpty()) {
            return invalid(Condition.NOT_ACCEPTABLE, "a username and a password are required");
        }
        String local;
        try {
            local = new BareJid(username, domain.domain()).local();
        } catch (JidMalformedException e) {
            // XEP-0077 names no condition; RFC 6120 §8.3.3.8 jid-malformed is the one for a bad address part.
            return invalid(Condition.JID_MALFORMED, "this username is not allowed in an address");
        }
        return passwordProblem(password).<RegisterRequest>map(RegisterForm::refusedPassword)
            .orElseGet(() -> new Register(local, password));
    }

    /**
     * §3.3: the new password is required; the username may be left out, and if given must be the account's own.
     * XEP-0077 lets a service require the username; asking for what the session already knows gains nothing.
     */
    private static RegisterRequest change(String username, String password, BareJid account) {
        // §3.3: an empty password MUST NOT replace the existing one; the request is incomplete: bad-request.
        if (password.isEmpty()) {
            return invalid(Condition.BAD_REQUEST, "a new password is required");
        }
        if (!username.isEmpty() && !sameLocal(username, account)) {
            // RFC 6120 §8.3.3.5: no permission to change another account's password.
            return invalid(Condition.FORBIDDEN, "you can change only your own password");
        }
        return passwordProblem(password).<RegisterRequest>map(RegisterForm::refusedPassword)
            .orElseGet(() -> new ChangePassword(account.local(), password));
    }

    private static boolean sameLocal(String username, BareJid account) {
        try {
            return new BareJid(username, account.domain()).equals(account);
        } catch (JidMalformedException e) {
            return false;
        }
    }

    /**
     * Why a password cannot be taken, if it cannot: longer than {@link #MAX_PASSWORD_BYTES}, or not a PRECIS
     * OpaqueString (RFC 8265 §4.2), the preparation SCRAM applies, so it could never be used to log in. The
     * reason never quotes the password.
     */
    static Optional<String> passwordProblem(String password) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return Optional.of("password too long: at most " + MAX_PASSWORD_BYTES + " bytes");
        }
        try {
            PrecisProfiles.OPAQUE_STRING.enforce(password);
        } catch (IllegalArgumentException e) {
            return Optional.of("password contains characters that are not allowed");
        }
        return Optional.empty();
    }

    /**
     * The error reply to a registration request, without the request's payload: §3.3 says not to return the XML
     * of a password change, and a registration's holds a password too. ({@link Iq#error} would copy it.)
     */
    public static Iq errorReply(Iq request, StanzaError error) {
        return new Iq(request.to(), request.from(), request.id(), Iq.Type.ERROR, null, List.of(error.toElement()));
    }

    /** RFC 6120 §8.3.3.9 not-acceptable: the server's criteria for a password are not met. */
    private static RegisterRequest refusedPassword(String reason) {
        return invalid(Condition.NOT_ACCEPTABLE, reason);
    }

    private static Invalid invalid(Condition condition, String text) {
        return new Invalid(StanzaError.of(condition, text));
    }
}
