package chorus.persistence.backup;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The body of a backup file: the plaintext cut into chunks of {@link #CHUNK} bytes, each sealed with
 * AES-256-GCM. On disk a chunk is a flag byte (1 on the last chunk), its sealed length, and the sealed bytes.
 * The nonce is the chunk's index; the authenticated data is the file header, the index and the flag. So a
 * changed byte, a chunk moved or dropped, a file cut after any chunk but the last, or bytes after the last
 * are all refused (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár).
 */
final class ChunkCipher {
    static final int CHUNK = 64 * 1024;
    static final int TAG_BITS = 128;

    private ChunkCipher() {
    }

    private static Cipher cipher(int mode, byte[] key, long index) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(index).array();
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        return c;
    }

    private static byte[] aad(byte[] header, long index, boolean last) {
        return ByteBuffer.allocate(header.length + 9).put(header).putLong(index).put((byte) (last ? 1 : 0)).array();
    }

    /** Seals what is written, a chunk at a time; {@link #close()} seals the last chunk (perhaps empty). */
    static final class Sealing extends OutputStream {
        private final DataOutputStream out;
        private final byte[] key;
        private final byte[] header;
        private final byte[] buffer = new byte[CHUNK];
        private int filled;
        private long index;
        private boolean closed;

        Sealing(OutputStream out, byte[] key, byte[] header) {
            this.out = new DataOutputStream(out);
            this.key = key;
            this.header = header;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == CHUNK) {
                    seal(false);
                }
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                Cipher c = cipher(Cipher.ENCRYPT_MODE, key, index);
                c.updateAAD(aad(header, index, last));
                byte[] sealed = c.doFinal(buffer, 0, filled);
                out.writeByte(last ? 1 : 0);
                out.writeInt(sealed.length);
                out.write(sealed);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt: " + e.getMessage(), e);
            }
            Arrays.fill(buffer, 0, filled, (byte) 0);
            filled = 0;
            index++;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                seal(true);
                Arrays.fill(key, (byte) 0);
                out.close();
            }
        }
    }

    /** Opens the chunks in order; any failure of authentication, order or completeness is a {@link BackupException}. */
    static final class Opening extends InputStream {
        private final DataInputStream in;
        private final byte[] key;
        private final byte[] header;
        private byte[] plain = new byte[0];
        private int pos;
        private long index;
        private boolean sawLast;

        Opening(InputStream in, byte[] key, byte[] header) {
            this.in = new DataInputStream(in);
            this.key = key;
            this.header = header;
        }

        private boolean next() throws IOException {
            if (sawLast) {
                if (in.read() != -1) {
                    throw new BackupException("the backup has bytes after its last chunk: refused");
                }
                return false;
            }
            int flag;
            int length;
            try {
                flag = in.readUnsignedByte();
                length = in.readInt();
            } catch (EOFException e) {
                throw new BackupException("the backup is truncated (chunk " + index + " missing): refused");
            }
            if (flag > 1 || length < TAG_BITS / 8 || length > CHUNK + TAG_BITS / 8) {
                throw new BackupException("the backup is damaged at chunk " + index + ": refused");
            }
            byte[] sealed = new byte[length];
            try {
                in.readFully(sealed);
            } catch (EOFException e) {
                throw new BackupException("the backup is truncated (inside chunk " + index + "): refused");
            }
            try {
                Cipher c = cipher(Cipher.DECRYPT_MODE, key, index);
                c.updateAAD(aad(header, index, flag == 1));
                plain = c.doFinal(sealed);
            } catch (AEADBadTagException e) {
                throw new BackupException("chunk " + index + " fails authentication (a wrong key, or the file was changed): refused");
            } catch (GeneralSecurityException e) {
                throw new BackupException("cannot decrypt: " + e.getMessage(), e);
            }
            pos = 0;
            index++;
            sawLast = flag == 1;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == plain.length) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(len, plain.length - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Reads to the end, so that truncation and trailing bytes are found even if the reader stopped early. */
        void drain() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) != -1) {
                // authenticating
            }
        }

        @Override
        public void close() throws IOException {
            Arrays.fill(key, (byte) 0);
            in.close();
        }
    }
}
