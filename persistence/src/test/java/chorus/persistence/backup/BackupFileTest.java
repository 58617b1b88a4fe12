package chorus.persistence.backup;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file format alone: sealed chunks, the header in every chunk's authentication, refusals. */
class BackupFileTest {
    static final BackupKey KEY = new BackupKey.Raw(new SecureRandom().generateSeed(32));
    static final String MARKER = "a secret body that must not be readable";

    /** A backup of one table whose rows span several chunks. */
    static byte[] file(BackupKey key, int rows) throws IOException {
        BackupHeader header = BackupHeader.fresh(key);
        byte[] h = header.encode();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(h);
        try (DataOutputStream out = new DataOutputStream(new ChunkCipher.Sealing(bytes, BackupKey.fileKey(key, header), h))) {
            Records.writeStart(out, "chorus", Instant.parse("2026-01-01T00:00:00Z"), 5);
            Records.writeTable(out, "accounts", List.of(new Records.Column("jid", "text", true)));
            for (int i = 0; i < rows; i++) {
                Records.writeRow(out, new Records.Row(new ByteBuffer[] {
                    ByteBuffer.wrap((MARKER + " " + i).repeat(20).getBytes(StandardCharsets.UTF_8))}, 0, 1L));
            }
            Records.writeTableEnd(out, rows);
            Records.writeEnd(out, 1);
        }
        return bytes.toByteArray();
    }

    static Backup.Summary verify(byte[] file, BackupKey key) throws IOException {
        return Backup.verify(new ByteArrayInputStream(file), key);
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aBackupReadsBackAndHoldsNoPlaintext() throws IOException {
        byte[] f = file(KEY, 500);
        assertTrue(f.length > 3 * ChunkCipher.CHUNK, "want several chunks, got " + f.length + " bytes");
        assertEquals(500, verify(f, KEY).rows().get("accounts"));
        assertFalse(contains(f, MARKER.getBytes(StandardCharsets.UTF_8)));
        assertFalse(contains(f, "accounts".getBytes(StandardCharsets.UTF_8)), "even table names are encrypted");
    }

    @Test
    void aChangedByteAnywhereIsRefused() throws IOException {
        byte[] f = file(KEY, 500);
        for (int at : new int[] {10, BackupHeader.MAGIC.length + 4, f.length / 2, f.length - 1}) {
            byte[] bad = f.clone();
            bad[at] ^= 1;
            assertThrows(BackupException.class, () -> verify(bad, KEY), "a change at byte " + at);
        }
    }

    @Test
    void aTruncatedFileIsRefusedEvenAtAChunkBoundary() throws IOException {
        byte[] f = file(KEY, 500);
        int headerLength = BackupHeader.read(new ByteArrayInputStream(f)).encode().length;
        int firstChunkEnd = headerLength + 5 + ChunkCipher.CHUNK + 16;
        for (int length : new int[] {firstChunkEnd, f.length - 1, f.length / 2}) {
            BackupException e = assertThrows(BackupException.class, () -> verify(Arrays.copyOf(f, length), KEY));
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    @Test
    void swappedChunksAndTrailingBytesAreRefused() throws IOException {
        byte[] f = file(KEY, 500);
        int h = BackupHeader.read(new ByteArrayInputStream(f)).encode().length;
        int chunk = 5 + ChunkCipher.CHUNK + 16;
        byte[] swapped = f.clone();
        System.arraycopy(f, h, swapped, h + chunk, chunk);
        System.arraycopy(f, h + chunk, swapped, h, chunk);
        assertThrows(BackupException.class, () -> verify(swapped, KEY));
        byte[] longer = Arrays.copyOf(f, f.length + 1);
        assertThrows(BackupException.class, () -> verify(longer, KEY));
    }

    @Test
    void theWrongKeyIsRefused() throws IOException {
        byte[] f = file(KEY, 3);
        BackupException e = assertThrows(BackupException.class,
            () -> verify(f, new BackupKey.Raw(new SecureRandom().generateSeed(32))));
        assertTrue(e.getMessage().contains("wrong key"), e.getMessage());
        assertThrows(BackupException.class, () -> verify(f, new BackupKey.Passphrase("x".toCharArray())));
    }

    @Test
    void aPassphraseBackupCarriesItsScryptParametersAndNeedsThePassphrase() throws IOException {
        BackupKey pass = new BackupKey.Passphrase("correct horse battery staple".toCharArray(), 14, 8, 1);
        byte[] f = file(pass, 3);
        BackupHeader h = BackupHeader.read(new ByteArrayInputStream(f));
        assertEquals(BackupHeader.Kdf.SCRYPT, h.kdf());
        assertEquals(14, h.logN());
        // Reading takes the parameters from the header, whatever the reader was given.
        assertEquals(3, verify(f, new BackupKey.Passphrase("correct horse battery staple".toCharArray())).rows().get("accounts"));
        assertThrows(BackupException.class, () -> verify(f, new BackupKey.Passphrase("wrong horse".toCharArray())));
    }

    @Test
    void aKeyFileIsWrittenForItsOwnerOnlyAndReadBack() throws IOException {
        Path dir = Files.createTempDirectory("chorus-key");
        Path key = dir.resolve("backup.key");
        BackupKey.writeNewKeyFile(key);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(32, BackupKey.readKeyFile(key).key().length);
        assertThrows(IOException.class, () -> BackupKey.writeNewKeyFile(key));
    }
}
