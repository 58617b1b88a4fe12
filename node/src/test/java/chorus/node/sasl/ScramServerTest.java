package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.account.ScramCredentials;
import chorus.actors.account.ScramHash;
import chorus.actors.xmpp.BareJid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertFailure;
import static chorus.node.sasl.Steps.assertNeedCredentials;
import static chorus.node.sasl.Steps.bytes;
import static chorus.node.sasl.Steps.challenge;
import static chorus.node.sasl.Steps.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScramServerTest {
    /** The stored keys of the RFC examples: user "user", password "pencil", with their salts. */
    static final Credentials RFC_USER = new Credentials(
            ScramCredentials.derive(ScramHash.SHA_1, "pencil", Base64.getDecoder().decode("QSXCR+Q6sek8bf92"), 4096),
            ScramCredentials.derive(ScramHash.SHA_256, "pencil",
                    Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096));
    static final Credentials PENCIL = Steps.credentials("pencil");

    @Test
    void theExchangeOfRfc5802Section5IsReproducedByteForByte() {
        SaslMechanism scram = Steps.withServerNonce("3rfcNHYJY1ZVvWVs7j").create("SCRAM-SHA-1", DOMAIN, true);
        assertNeedCredentials("user@example.org", scram.start(bytes("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")));
        assertEquals("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                challenge(scram.credentials(RFC_USER)));
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, scram.respond(bytes(
                "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")));
        assertEquals("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", text(success.additionalData()));
        assertEquals(new BareJid("user", "example.org"), success.account());
    }

    @Test
    void theExchangeOfRfc7677Section3IsReproducedByteForByte() {
        SaslMechanism scram = Steps.withServerNonce("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
                .create("SCRAM-SHA-256", DOMAIN, false);
        assertNeedCredentials("user@example.org", scram.start(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")));
        assertEquals("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                challenge(scram.credentials(RFC_USER)));
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, scram.respond(bytes(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")));
        assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", text(success.additionalData()));
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void aClientWithTheRightPasswordAuthenticatesAndCanVerifyTheServer(ScramHash hash) {
        ScramTestClient client = new ScramTestClient(hash, "juliet", "pencil");
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, run(hash, client, PENCIL));
        assertEquals("juliet@example.org", success.account().toString());
        assertTrue(client.verifiesServerFinal(success.additionalData()));
    }

    /**
     * An account imported with the keys of one hash only (Prosody keeps SCRAM-SHA-1 alone): that mechanism
     * succeeds, the other fails as a wrong password does, and PLAIN is checked against the keys there are.
     */
    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void anAccountWithTheKeysOfOneHashLogsInWithThatMechanismAndPlainOnly(ScramHash has) {
        Credentials partial = has == ScramHash.SHA_1 ? new Credentials(PENCIL.sha1(), null)
            : new Credentials(null, PENCIL.sha256());
        ScramHash other = has == ScramHash.SHA_1 ? ScramHash.SHA_256 : ScramHash.SHA_1;
        assertInstanceOf(SaslStep.Success.class, run(has, new ScramTestClient(has, "juliet", "pencil"), partial));
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED,
                run(other, new ScramTestClient(other, "juliet", "pencil"), partial));
        assertEquals("invalid-proof", f.text());
        assertTrue(partial.verifyPlain("pencil"));
        assertTrue(!partial.verifyPlain("pencil!"));
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void aWrongPasswordIsNotAuthorized(ScramHash hash) {
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED,
                run(hash, new ScramTestClient(hash, "juliet", "pencil!"), PENCIL));
        assertEquals("invalid-proof", f.text());
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void anUnknownAccountLooksLikeAWrongPasswordWithTheSameSaltOnEveryAttempt(ScramHash hash) {
        SaslMechanisms mechanisms = Steps.random();
        String[] serverFirst = new String[2];
        SaslStep[] results = new SaslStep[2];
        for (int attempt = 0; attempt < 2; attempt++) {
            // The flow is the one of a wrong password: NeedCredentials, a server-first-message, failure at the proof.
            SaslMechanism scram = mechanisms.create(hash.mechanism(), DOMAIN, true);
            ScramTestClient client = new ScramTestClient(hash, "romeo", "pencil");
            assertNeedCredentials("romeo@example.org", scram.start(client.clientFirst()));
            byte[] first = bytes(challenge(scram.noSuchAccount()));
            serverFirst[attempt] = text(first).replaceFirst("^r=[^,]*,", "");
            results[attempt] = scram.respond(client.clientFinal(first));
        }
        assertEquals(serverFirst[0], serverFirst[1]);
        assertTrue(serverFirst[0].matches("s=[A-Za-z0-9+/]{22}==,i=4096,h=[A-Za-z0-9+/=]+"), serverFirst[0]);
        SaslStep wrongPassword = run(hash, new ScramTestClient(hash, "juliet", "pencil!"), PENCIL);
        assertEquals(wrongPassword, results[0]);
        assertEquals(wrongPassword, results[1]);
    }

    @Test
    void differentUnknownAccountsAndDifferentSecretsGetDifferentSalts() {
        assertNotEquals(decoySalt(Steps.random(), "romeo"), decoySalt(Steps.random(), "benvolio"));
        SaslMechanisms otherSecret = new SaslMechanisms(
                SaslSettings.allMechanisms(4096, bytes("another secret of 32 bytes......")), Steps.RANDOM);
        assertNotEquals(decoySalt(Steps.random(), "romeo"), decoySalt(otherSecret, "romeo"));
    }

    private static String decoySalt(SaslMechanisms mechanisms, String user) {
        SaslMechanism scram = mechanisms.create("SCRAM-SHA-256", DOMAIN, true);
        scram.start(bytes("n,,n=" + user + ",r=abc"));
        return challenge(scram.noSuchAccount()).replaceFirst("^r=[^,]*,", "");
    }

    @Test
    void withoutAnInitialResponseTheServerAsksForItWithAnEmptyChallenge() {
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "juliet", "pencil");
        assertEquals("", challenge(scram.start(null)));
        assertNeedCredentials("juliet@example.org", scram.respond(client.clientFirst()));
        byte[] serverFirst = bytes(challenge(scram.credentials(PENCIL)));
        assertInstanceOf(SaslStep.Success.class, scram.respond(client.clientFinal(serverFirst)));
    }

    @Test
    void eachAttemptGetsAFreshPrintableServerNonce() {
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            SaslMechanism scram = Steps.random().create("SCRAM-SHA-1", DOMAIN, true);
            scram.start(bytes("n,,n=juliet,r=abc"));
            String nonce = challenge(scram.credentials(PENCIL)).split(",")[0].substring(2);
            assertTrue(nonce.startsWith("abc") && nonce.length() >= 3 + 24, nonce);
            assertTrue(ScramMessages.isPrintable(nonce));
            nonces.add(nonce);
        }
        assertEquals(20, nonces.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"clientXserver", "clientserverX", "client", "otherserver"})
    void aClientFinalMessageWithAnotherNonceIsNotAuthorizedEvenWithAMatchingProof(String nonce) {
        SaslMechanism scram = Steps.withServerNonce("server").create("SCRAM-SHA-256", DOMAIN, true);
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "n,,", "juliet", "client", "pencil");
        scram.start(client.clientFirst());
        byte[] serverFirst = bytes(challenge(scram.credentials(PENCIL)));
        assertFailure(SaslFailure.NOT_AUTHORIZED, scram.respond(client.clientFinal(serverFirst, "n,,", nonce)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"y,,", "n,a=juliet,", "p=tls-unique,,"})
    void channelBindingDataThatIsNotTheGs2HeaderIsNotAuthorizedEvenWithAMatchingProof(String cbindHeader) {
        SaslMechanism scram = Steps.withServerNonce("server").create("SCRAM-SHA-1", DOMAIN, true);
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_1, "n,,", "juliet", "client", "pencil");
        scram.start(client.clientFirst());
        byte[] serverFirst = bytes(challenge(scram.credentials(PENCIL)));
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED,
                scram.respond(client.clientFinal(serverFirst, cbindHeader, null)));
        assertEquals("channel-bindings-dont-match", f.text());
    }

    @Test
    void theYFlagIsAcceptedSinceNoPlusMechanismIsOffered() {
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "y,,", "juliet", "client", "pencil");
        assertInstanceOf(SaslStep.Success.class, run(ScramHash.SHA_256, client, PENCIL));
    }

    @Test
    void aRequestForChannelBindingIsRefusedBeforeAnyAccountIsLookedUp() {
        SaslStep.Failure f = assertFailure(SaslFailure.MALFORMED_REQUEST, Steps.random()
                .create("SCRAM-SHA-256", DOMAIN, true).start(bytes("p=tls-unique,,n=juliet,r=client")));
        assertEquals("channel-binding-not-supported", f.text());
    }

    @Test
    void aMandatoryExtensionIsRefused() {
        SaslStep.Failure f = assertFailure(SaslFailure.MALFORMED_REQUEST, Steps.random()
                .create("SCRAM-SHA-256", DOMAIN, true).start(bytes("n,,m=ext,n=juliet,r=client")));
        assertEquals("extensions-not-supported", f.text());
    }

    @Test
    void optionalExtensionsAreIgnored() {
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        assertNeedCredentials("juliet@example.org", scram.start(bytes("n,,n=juliet,r=client,x=whatever")));
    }

    @Test
    void escapedCommasAndEqualsSignsInTheUsernameAreDecoded() {
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        assertNeedCredentials("a,b=c@example.org", scram.start(bytes("n,,n=a=2Cb=3Dc,r=client")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n,,n=a=2Xb,r=client", "n,,n=a=,r=client", "n,,n=a=2,r=client", "n,,n=,r=client"})
    void anyOtherEqualsSignInTheUsernameIsAnEncodingError(String clientFirst) {
        SaslStep.Failure f = assertFailure(SaslFailure.MALFORMED_REQUEST,
                Steps.random().create("SCRAM-SHA-1", DOMAIN, true).start(bytes(clientFirst)));
        assertEquals("invalid-username-encoding", f.text());
    }

    @Test
    void theUsernameIsPreparedAsAJidLocalpart() {
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        assertNeedCredentials("juliet@example.org", scram.start(bytes("n,,n=JULIET,r=client")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b", "a b", "a/b", "a:b", "a<b", "\u2163"})
    void aUsernameNoAccountCanHaveIsRefusedAtOnce(String username) {
        assertFailure(SaslFailure.NOT_AUTHORIZED,
                Steps.random().create("SCRAM-SHA-256", DOMAIN, true).start(bytes("n,,n=" + username + ",r=client")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n,a=romeo@example.org,n=juliet,r=client", "n,a=romeo,n=juliet,r=client",
            "n,a=juliet@example.org/balcony,n=juliet,r=client", "n,a=juliet@example.net,n=juliet,r=client"})
    void anAuthorizationIdentityOtherThanTheAccountIsInvalid(String clientFirst) {
        assertFailure(SaslFailure.INVALID_AUTHZID,
                Steps.random().create("SCRAM-SHA-256", DOMAIN, true).start(bytes(clientFirst)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n,a=juliet@example.org,", "n,a=Juliet,", "y,a=juliet,"})
    void theAccountItselfIsAValidAuthorizationIdentity(String gs2Header) {
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_1, gs2Header, "juliet", "client", "pencil");
        assertInstanceOf(SaslStep.Success.class, run(ScramHash.SHA_1, client, PENCIL));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "n,,", "n,n=juliet,r=client", "x,,n=juliet,r=client",
            "n,b=x,n=juliet,r=client", "n,,r=client,n=juliet", "n,,n=juliet", "n,,n=juliet,r=",
            "n,,n=juliet,r=cli\u00e9nt", "n,,n=juliet,r=client,,", "n,,n=juliet,r=client,1=x"})
    void aMalformedClientFirstMessageIsRefused(String clientFirst) {
        assertFailure(SaslFailure.MALFORMED_REQUEST,
                Steps.random().create("SCRAM-SHA-256", DOMAIN, true).start(bytes(clientFirst)));
    }

    @Test
    void aClientFirstMessageThatIsNotUtf8IsRefused() {
        byte[] message = bytes("n,,n=juliet\u00e9,r=client");
        message[11] = (byte) 0xff;
        assertFailure(SaslFailure.MALFORMED_REQUEST,
                Steps.random().create("SCRAM-SHA-256", DOMAIN, true).start(message));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "c=biws,r=clientserver", "c=biws,r=clientserver,p=not*base64",
            "r=clientserver,c=biws,p=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "c=bi*s,r=clientserver,p=AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "c=biws,p=AAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    void aMalformedClientFinalMessageIsRefused(String clientFinal) {
        SaslMechanism scram = Steps.withServerNonce("server").create("SCRAM-SHA-1", DOMAIN, true);
        scram.start(bytes("n,,n=juliet,r=client"));
        scram.credentials(PENCIL);
        assertFailure(SaslFailure.MALFORMED_REQUEST, scram.respond(bytes(clientFinal)));
    }

    @Test
    void aProofOfTheWrongLengthIsNotAuthorized() {
        SaslMechanism scram = Steps.withServerNonce("server").create("SCRAM-SHA-256", DOMAIN, true);
        scram.start(bytes("n,,n=juliet,r=client"));
        scram.credentials(PENCIL);
        assertFailure(SaslFailure.NOT_AUTHORIZED, scram.respond(bytes("c=biws,r=clientserver,p=" + b64(new byte[20]))));
    }

    @Test
    void aResponseWhileCredentialsAreBeingFetchedEndsTheAttempt() {
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        scram.start(bytes("n,,n=juliet,r=client"));
        assertFailure(SaslFailure.MALFORMED_REQUEST, scram.respond(bytes("c=biws")));
        assertThrows(IllegalStateException.class, () -> scram.credentials(PENCIL));
    }

    @Test
    void callsOutOfOrderAreProgrammingErrors() {
        SaslMechanism fresh = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        assertThrows(IllegalStateException.class, () -> fresh.credentials(PENCIL));
        assertThrows(IllegalStateException.class, fresh::noSuchAccount);
        assertThrows(IllegalStateException.class, () -> fresh.respond(new byte[0]));
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "juliet", "pencil");
        SaslMechanism done = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        done.start(client.clientFirst());
        done.respond(client.clientFinal(bytes(challenge(done.credentials(PENCIL)))));
        assertThrows(IllegalStateException.class, () -> done.respond(new byte[0]));
        assertThrows(IllegalStateException.class, () -> done.start(null));
    }

    @Test
    void failuresNeverSayWhetherTheAccountExists() {
        SaslMechanism scram = Steps.random().create("SCRAM-SHA-256", DOMAIN, true);
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "romeo", "pencil");
        scram.start(client.clientFirst());
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED,
                scram.respond(client.clientFinal(bytes(challenge(scram.noSuchAccount())))));
        assertNotEquals("unknown-user", f.text());
        assertNull(assertInstanceOf(SaslStep.Failure.class,
                Steps.random().create("SCRAM-SHA-256", DOMAIN, true).start(bytes("n,,n=a@b,r=c"))).text());
    }

    /** A whole exchange with a fresh server; credentials are those of every account asked for. */
    private static SaslStep run(ScramHash hash, ScramTestClient client, Credentials credentials) {
        SaslMechanism scram = Steps.random().create(hash.mechanism(), DOMAIN, true);
        assertInstanceOf(SaslStep.NeedCredentials.class, scram.start(client.clientFirst()));
        byte[] serverFirst = bytes(challenge(scram.credentials(credentials)));
        return scram.respond(client.clientFinal(serverFirst));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
