package chorus.node.sasl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertFailure;
import static chorus.node.sasl.Steps.assertNeedCredentials;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** draft-schmaus-kitten-sasl-ht as FAST uses it: the client's one message, and the answer the entity's check gives. */
class HtServerTest {

    static byte[] message(String authcid, int proofLength) {
        byte[] user = (authcid + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[user.length + proofLength];
        System.arraycopy(user, 0, out, 0, user.length);
        for (int i = user.length; i < out.length; i++) {
            out[i] = (byte) i;
        }
        return out;
    }

    @Test
    void theClientsMessageNamesTheAccountAndCarriesItsProof() {
        HtServer ht = new HtServer(HtServer.SHA_256_NONE, DOMAIN);
        assertNeedCredentials("juliet@example.org", ht.start(message("juliet", 32)));
        byte[] expected = new byte[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (byte) (i + 7);
        }
        assertArrayEquals(expected, ht.proof());
        SaslStep.Success s = assertInstanceOf(SaslStep.Success.class, ht.verdict(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, s.additionalData());
        assertEquals("juliet@example.org", s.account().toString());
    }

    @Test
    void aTokenTheEntityDidNotAcceptIsNotAuthorized() {
        HtServer ht = new HtServer(HtServer.SHA_256_NONE, DOMAIN);
        ht.start(message("juliet", 32));
        assertFailure(SaslFailure.NOT_AUTHORIZED, ht.verdict(null));
        assertThrows(IllegalStateException.class, () -> ht.verdict(null));
    }

    @Test
    void aMessageWithoutNameOrWithAProofOfTheWrongLengthIsMalformed() {
        assertFailure(SaslFailure.MALFORMED_REQUEST, new HtServer(HtServer.SHA_256_NONE, DOMAIN).start(message("", 32)));
        assertFailure(SaslFailure.MALFORMED_REQUEST, new HtServer(HtServer.SHA_256_NONE, DOMAIN).start(message("juliet", 31)));
        assertFailure(SaslFailure.MALFORMED_REQUEST, new HtServer(HtServer.SHA_256_NONE, DOMAIN).start(null));
    }

    @Test
    void endpBindsTheProofToTheCertificateOfThisConnection() {
        byte[] endPoint = {9, 8, 7};
        ChannelBindings tcp = ChannelBindings.of(java.util.Map.of(ChannelBindings.TLS_SERVER_END_POINT, endPoint));
        assertEquals(java.util.List.of(HtServer.SHA_256_ENDP, HtServer.SHA_256_NONE), HtServer.offered(tcp, true));
        assertEquals(java.util.List.of(HtServer.SHA_256_NONE), HtServer.offered(tcp, false));
        assertEquals(java.util.List.of(HtServer.SHA_256_NONE), HtServer.offered(ChannelBindings.NONE, true));
        assertArrayEquals(endPoint, new HtServer(HtServer.SHA_256_ENDP, DOMAIN, tcp).cbData());
        assertArrayEquals(new byte[0], new HtServer(HtServer.SHA_256_NONE, DOMAIN, tcp).cbData());
        // Over WebSocket (no binding): no -ENDP.
        assertThrows(IllegalArgumentException.class, () -> new HtServer(HtServer.SHA_256_ENDP, DOMAIN, ChannelBindings.NONE));
    }

    @Test
    void exprBindsTheProofToTheExportedKeyingMaterialAndComesFirst() {
        byte[] exported = {1, 2, 3, 4};
        byte[] endPoint = {9, 8, 7};
        ChannelBindings tls13 = ChannelBindings.of(java.util.Map.of(ChannelBindings.TLS_EXPORTER, exported,
            ChannelBindings.TLS_SERVER_END_POINT, endPoint));
        assertEquals(java.util.List.of(HtServer.SHA_256_EXPR, HtServer.SHA_256_ENDP, HtServer.SHA_256_NONE),
            HtServer.offered(tls13, true));
        assertEquals(java.util.List.of(HtServer.SHA_256_NONE), HtServer.offered(tls13, false));
        assertArrayEquals(exported, new HtServer(HtServer.SHA_256_EXPR, DOMAIN, tls13).cbData());
        assertArrayEquals(endPoint, new HtServer(HtServer.SHA_256_ENDP, DOMAIN, tls13).cbData());
        // TLS 1.2 (no exporter) or an engine that cannot export: no -EXPR.
        ChannelBindings tls12 = ChannelBindings.of(java.util.Map.of(ChannelBindings.TLS_SERVER_END_POINT, endPoint));
        assertEquals(java.util.List.of(HtServer.SHA_256_ENDP, HtServer.SHA_256_NONE), HtServer.offered(tls12, true));
        assertThrows(IllegalArgumentException.class, () -> new HtServer(HtServer.SHA_256_EXPR, DOMAIN, tls12));
    }

    @Test
    void aNameThatIsNoLocalpartIsNotAuthorized() {
        assertFailure(SaslFailure.NOT_AUTHORIZED, new HtServer(HtServer.SHA_256_NONE, DOMAIN).start(message("a@b", 32)));
    }
}
