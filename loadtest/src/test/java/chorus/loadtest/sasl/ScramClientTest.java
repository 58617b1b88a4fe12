package chorus.loadtest.sasl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScramClientTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theClientSideOfRfc5802Section5IsReproducedByteForByte() throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL",
            SaltedPasswordCache.disabled());
        assertEquals("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", text(c.initialResponse()));
        byte[] fin = c.respond(bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        assertEquals("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", text(fin));
        assertDoesNotThrow(() -> c.verifySuccess(bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")));
    }

    @Test
    void theClientSideOfRfc7677Section3IsReproducedByteForByte() throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO",
            SaltedPasswordCache.disabled());
        byte[] fin = c.respond(bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertEquals("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", text(fin));
        assertDoesNotThrow(() -> c.verifySuccess(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    }

    @Test
    void aServerThatDoesNotKnowThePasswordIsRejected() throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL",
            SaltedPasswordCache.disabled());
        c.respond(bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        assertThrows(SaslException.class, () -> c.verifySuccess(bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
    }

    @Test
    void aSuccessWithoutTheServerSignatureIsRejected() throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "abc", SaltedPasswordCache.disabled());
        c.respond(bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"));
        assertThrows(SaslException.class, () -> c.verifySuccess(new byte[0]));
    }

    @Test
    void theServerFinalMessageMayComeAsAChallengeAnsweredWithNothing() throws Exception {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL",
            SaltedPasswordCache.disabled());
        c.respond(bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        assertArrayEquals(new byte[0], c.respond(bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")));
        assertDoesNotThrow(() -> c.verifySuccess(new byte[0]));
    }

    @Test
    void aServerNonceThatDoesNotExtendTheClientsIsRejected() {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "abc", SaltedPasswordCache.disabled());
        assertThrows(SaslException.class, () -> c.respond(bytes("r=xyz123,s=QSXCR+Q6sek8bf92,i=4096")));
        ScramClient same = new ScramClient(ScramHash.SHA_1, "user", "pencil", "abc", SaltedPasswordCache.disabled());
        assertThrows(SaslException.class, () -> same.respond(bytes("r=abc,s=QSXCR+Q6sek8bf92,i=4096")));
    }

    @Test
    void aMandatoryExtensionIsRefused() {
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "abc", SaltedPasswordCache.disabled());
        assertThrows(SaslException.class, () -> c.respond(bytes("m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096")));
    }

    @Test
    void commasAndEqualSignsInTheUsernameAreEscaped() {
        assertEquals("a=2Cb=3Dc", ScramClient.saslName("a,b=c"));
    }

    @Test
    void aCachedSaltedPasswordIsDerivedOnceAndGivesTheSameProof() throws Exception {
        SaltedPasswordCache cache = SaltedPasswordCache.inMemory();
        AtomicInteger derived = new AtomicInteger();
        byte[] salt = java.util.Base64.getDecoder().decode("QSXCR+Q6sek8bf92");
        for (int i = 0; i < 3; i++) {
            cache.saltedPassword(ScramHash.SHA_1, "user", "pencil", salt, 4096, () -> {
                derived.incrementAndGet();
                return ScramHash.SHA_1.hi(bytes("pencil"), salt, 4096);
            });
        }
        assertEquals(1, derived.get());
        ScramClient c = new ScramClient(ScramHash.SHA_1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", cache);
        assertEquals("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", text(
            c.respond(bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"))));
    }

    @Test
    void aCacheFileIsReadBackByTheNextRunAndHoldsNoPassword(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
        throws Exception {
        java.nio.file.Path file = dir.resolve("scram.cache");
        byte[] salt = java.util.Base64.getDecoder().decode("QSXCR+Q6sek8bf92");
        SaltedPasswordCache first = SaltedPasswordCache.inFile(file);
        first.saltedPassword(ScramHash.SHA_1, "user", "pencil", salt, 4096,
            () -> ScramHash.SHA_1.hi(bytes("pencil"), salt, 4096));
        first.flush();
        SaltedPasswordCache second = SaltedPasswordCache.inFile(file);
        assertEquals(1, second.size());
        byte[] v = second.saltedPassword(ScramHash.SHA_1, "user", "pencil", salt, 4096, () -> {
            throw new AssertionError("derived again");
        });
        assertArrayEquals(ScramHash.SHA_1.hi(bytes("pencil"), salt, 4096), v);
        assertEquals(-1, java.nio.file.Files.readString(file).indexOf("pencil"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
            java.nio.file.Files.getPosixFilePermissions(file)));
    }

    @Test
    void plainSendsTheEmptyAuthzidTheUsernameAndThePassword() {
        SaslClient p = Mechanism.PLAIN.client("juliet", "r0m30", SaltedPasswordCache.disabled(), () -> "");
        assertEquals("\0juliet\0r0m30", text(p.initialResponse()));
        assertEquals("PLAIN", p.mechanism());
    }

    @Test
    void mechanismsAreNamedAsTheServerListsThemOrAsConstants() {
        assertEquals(Mechanism.SCRAM_SHA_256, Mechanism.parse("scram-sha-256"));
        assertEquals(Mechanism.SCRAM_SHA_1, Mechanism.parse("SCRAM_SHA_1"));
        assertThrows(IllegalArgumentException.class, () -> Mechanism.parse("DIGEST-MD5"));
    }
}
