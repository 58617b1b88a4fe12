package chorus.node.stream;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629 §4), carrying a split character over to the next chunk.
 * Aalto accepts overlong forms such as {@code C0 AF} for '/', which could smuggle markup past a byte-level
 * filter, and reports other bad bytes as illegal XML characters; checking first lets the decoder name the
 * right condition, {@code <unsupported-encoding/>} (RFC 6120 §4.9.3.22).
 */
final class Utf8Validator {
    /** Continuation bytes still expected, and the range the next one must fall in. */
    private int need;
    private int lo = 0x80;
    private int hi = 0xBF;

    /** The index of the first byte that is not valid UTF-8 here, or -1 if all are. */
    int check(byte[] bytes, int offset, int length) {
        int need = this.need;
        int lo = this.lo;
        int hi = this.hi;
        for (int i = offset, end = offset + length; i < end; i++) {
            int b = bytes[i];
            if (need == 0) {
                if (b >= 0) {
                    continue; // ASCII, the usual case
                }
                b &= 0xFF;
                if (b < 0xC2) {
                    return i; // a continuation byte out of place, or the lead of an overlong 2-byte form
                } else if (b < 0xE0) {
                    need = 1;
                } else if (b < 0xF0) {
                    need = 2;
                    lo = b == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
                    hi = b == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a UTF-16 surrogate
                } else if (b < 0xF5) {
                    need = 3;
                    lo = b == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
                    hi = b == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be past U+10FFFF
                } else {
                    return i;
                }
            } else {
                b &= 0xFF;
                if (b < lo || b > hi) {
                    return i;
                }
                need--;
                lo = 0x80;
                hi = 0xBF;
            }
        }
        this.need = need;
        this.lo = lo;
        this.hi = hi;
        return -1;
    }

    void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xBF;
    }
}
