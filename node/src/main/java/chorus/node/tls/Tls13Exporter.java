package chorus.node.tls;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The TLS 1.3 keying material exporter (RFC 8446 §7.5) computed from a session's exporter master secret, with Bouncy
 * Castle's HKDF: {@code HKDF-Expand-Label(Derive-Secret(secret, label, ""), "exporter", Hash(context), length)}. The
 * hash is the one of the session's cipher suite (SHA-384 for {@code TLS_AES_256_GCM_SHA384}, SHA-256 for the others).
 * For engines that hand over the secret but do not export themselves ({@link KeyLogExporter}).
 */
final class Tls13Exporter {
    private static final byte[] NO_CONTEXT = new byte[0];

    private Tls13Exporter() {
    }

    static byte[] export(byte[] exporterMasterSecret, String cipherSuite, String label, byte[] context, int length) {
        boolean sha384 = cipherSuite.endsWith("_SHA384");
        byte[] emptyHash = hash(sha384, NO_CONTEXT);
        byte[] derived = expandLabel(sha384, exporterMasterSecret, label, emptyHash, sha384 ? 48 : 32);
        return expandLabel(sha384, derived, "exporter", hash(sha384, context), length);
    }

    /** RFC 8446 §7.1: HKDF-Expand with the info {@code uint16 length, "tls13 " + label, context}. */
    static byte[] expandLabel(boolean sha384, byte[] secret, String label, byte[] context, int length) {
        byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        if (fullLabel.length > 255 || context.length > 255 || length > 0xffff) {
            throw new IllegalArgumentException("label, context or length too long for HKDF-Expand-Label");
        }
        byte[] info = ByteBuffer.allocate(2 + 1 + fullLabel.length + 1 + context.length)
                .putShort((short) length).put((byte) fullLabel.length).put(fullLabel)
                .put((byte) context.length).put(context).array();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(digest(sha384));
        hkdf.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    private static byte[] hash(boolean sha384, byte[] data) {
        Digest d = digest(sha384);
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    private static Digest digest(boolean sha384) {
        return sha384 ? new SHA384Digest() : new SHA256Digest();
    }
}
