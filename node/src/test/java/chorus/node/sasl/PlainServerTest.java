package chorus.node.sasl;

import chorus.actors.account.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertFailure;
import static chorus.node.sasl.Steps.assertNeedCredentials;
import static chorus.node.sasl.Steps.bytes;
import static chorus.node.sasl.Steps.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlainServerTest {
    static final Credentials PENCIL = Steps.credentials("pencil");

    static SaslMechanism plain() {
        return Steps.random().create("PLAIN", DOMAIN, true);
    }

    @Test
    void theRightPasswordAuthenticatesTheAccountWithoutAdditionalData() {
        SaslMechanism plain = plain();
        assertNeedCredentials("juliet@example.org", plain.start(bytes("\0juliet\0pencil")));
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, plain.credentials(PENCIL));
        assertEquals("juliet@example.org", success.account().toString());
        assertNull(success.additionalData());
    }

    @Test
    void withoutAnInitialResponseTheServerAsksForItWithAnEmptyChallenge() {
        SaslMechanism plain = plain();
        assertEquals("", challenge(plain.start(null)));
        assertNeedCredentials("juliet@example.org", plain.respond(bytes("\0juliet\0pencil")));
        assertInstanceOf(SaslStep.Success.class, plain.credentials(PENCIL));
    }

    @Test
    void aWrongPasswordIsNotAuthorized() {
        SaslMechanism plain = plain();
        plain.start(bytes("\0juliet\0Pencil"));
        assertFailure(SaslFailure.NOT_AUTHORIZED, plain.credentials(PENCIL));
    }

    @Test
    void anUnknownAccountIsRefusedExactlyLikeAWrongPassword() {
        SaslMechanism wrong = plain();
        wrong.start(bytes("\0juliet\0Pencil"));
        SaslMechanism unknown = plain();
        assertNeedCredentials("romeo@example.org", unknown.start(bytes("\0romeo\0pencil")));
        assertEquals(wrong.credentials(PENCIL), unknown.noSuchAccount());
    }

    @Test
    void theUsernameIsPreparedAsAJidLocalpart() {
        assertNeedCredentials("juliet@example.org", plain().start(bytes("\0JULIET\0pencil")));
    }

    @Test
    void theAccountItselfIsAValidAuthorizationIdentity() {
        assertNeedCredentials("juliet@example.org", plain().start(bytes("juliet@example.org\0juliet\0pencil")));
        assertNeedCredentials("juliet@example.org", plain().start(bytes("juliet\0juliet\0pencil")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"romeo@example.org", "romeo", "juliet@example.org/balcony", "juliet@example.net"})
    void anotherAuthorizationIdentityIsInvalid(String authzid) {
        assertFailure(SaslFailure.INVALID_AUTHZID, plain().start(bytes(authzid + "\0juliet\0pencil")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "juliet", "juliet\0pencil", "\0\0pencil", "\0juliet\0", "\0juliet\0pencil\0more"})
    void aMessageWithoutExactlyAnAuthcidAndAPasswordIsMalformed(String message) {
        assertFailure(SaslFailure.MALFORMED_REQUEST, plain().start(bytes(message)));
    }

    @Test
    void aMessageThatIsNotUtf8IsMalformed() {
        assertFailure(SaslFailure.MALFORMED_REQUEST, plain().start(new byte[] {0, 'j', 0, (byte) 0xc3, '('}));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b", "a b", "a/b", "a&b", "a'b"})
    void aUsernameNoAccountCanHaveIsNotAuthorized(String username) {
        assertFailure(SaslFailure.NOT_AUTHORIZED, plain().start(bytes("\0" + username + "\0pencil")));
    }

    @Test
    void theMechanismNeverPrintsThePassword() {
        SaslMechanism plain = plain();
        plain.start(bytes("\0juliet\0s3cret-pw"));
        assertFalse(plain.toString().contains("s3cret-pw"));
    }

    @Test
    void aResponseWhileCredentialsAreBeingFetchedEndsTheAttempt() {
        SaslMechanism plain = plain();
        plain.start(bytes("\0juliet\0pencil"));
        assertFailure(SaslFailure.MALFORMED_REQUEST, plain.respond(bytes("\0juliet\0pencil")));
        assertThrows(IllegalStateException.class, () -> plain.credentials(PENCIL));
    }
}
