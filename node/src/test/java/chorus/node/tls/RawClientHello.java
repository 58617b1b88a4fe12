package chorus.node.tls;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;

/**
 * A hand-built TLS ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2), for offers the JDK's own client
 * refuses to make: TLS 1.0/1.1 (disabled JVM-wide) or TLS 1.3 with finite-field groups only.
 */
final class RawClientHello {
    static final int TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B;
    static final int TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xC02F;
    static final int TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xC009;
    static final int TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xC013;
    static final int TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009E;
    static final int TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009C;
    static final int TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009D;
    static final int TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003C;
    static final int TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xC027;
    static final int TLS_AES_128_GCM_SHA256 = 0x1301;
    /** The ECDHE suites a TLS 1.0-1.2 client would offer. */
    static final int[] ECDHE_SUITES = {TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA};
    static final int SECP256R1 = 0x0017;
    static final int FFDHE2048 = 0x0100;

    private RawClientHello() {}

    /** A pre-1.3 hello: {@code version} 0x0301 = TLS 1.0, 0x0302 = TLS 1.1, 0x0303 = TLS 1.2. */
    static byte[] legacy(int version, int... suites) {
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x000a, vector16(u16(SECP256R1)));                   // supported_groups
        extension(extensions, 0x000b, vector8(new byte[] {0}));                     // ec_point_formats
        extension(extensions, 0x000d, vector16(u16(0x0403, 0x0804, 0x0401)));      // signature_algorithms
        return record(version, hello(version, new byte[0], u16(suites), extensions.toByteArray()));
    }

    /** A TLS 1.3 hello whose only group is {@code group}, with {@code publicValue} as its key share. */
    static byte[] tls13WithOnlyGroup(int group, byte[] publicValue) {
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x002b, vector8(u16(0x0304)));                          // supported_versions
        extension(extensions, 0x000a, vector16(u16(group)));                          // supported_groups
        extension(extensions, 0x000d, vector16(u16(0x0403, 0x0804, 0x0401)));         // signature_algorithms
        extension(extensions, 0x0033, vector16(concat(u16(group), vector16(publicValue)))); // key_share
        byte[] sessionId = new byte[32];
        new SecureRandom().nextBytes(sessionId);
        return record(0x0301, hello(0x0303, sessionId, u16(TLS_AES_128_GCM_SHA256), extensions.toByteArray()));
    }

    private static byte[] hello(int version, byte[] sessionId, byte[] suites, byte[] extensions) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        byte[] body = concat(u16(version), random, vector8(sessionId), vector16(suites),
                vector8(new byte[] {0}), vector16(extensions));
        return concat(new byte[] {1}, u24(body.length), body); // handshake type 1: client_hello
    }

    private static byte[] record(int version, byte[] handshake) {
        return concat(new byte[] {22}, u16(version), vector16(handshake)); // content type 22: handshake
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        out.writeBytes(u16(type));
        out.writeBytes(vector16(data));
    }

    private static byte[] vector8(byte[] data) {
        return concat(new byte[] {(byte) data.length}, data);
    }

    private static byte[] vector16(byte[] data) {
        return concat(u16(data.length), data);
    }

    private static byte[] u16(int... values) {
        byte[] out = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            out[2 * i] = (byte) (values[i] >> 8);
            out[2 * i + 1] = (byte) values[i];
        }
        return out;
    }

    private static byte[] u24(int value) {
        return new byte[] {(byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
