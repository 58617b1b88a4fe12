package chorus.node.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8ValidatorTest {

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void everyScalarValueEncodedByJavaIsAccepted() {
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x800 ? 1 : 61) {
            if (cp < 0xD800 || cp > 0xDFFF) {
                all.appendCodePoint(cp);
            }
        }
        all.appendCodePoint(0x10FFFF);
        byte[] utf8 = all.toString().getBytes(StandardCharsets.UTF_8);

        assertEquals(-1, new Utf8Validator().check(utf8, 0, utf8.length));
    }

    @Test
    void aCharacterSplitAcrossCallsIsAccepted() {
        byte[] b = "😀".getBytes(StandardCharsets.UTF_8);
        Utf8Validator v = new Utf8Validator();

        assertEquals(-1, v.check(b, 0, 1));
        assertEquals(-1, v.check(b, 1, 2));
        assertEquals(-1, v.check(b, 3, 1));
        assertEquals(-1, v.check(bytes('a'), 0, 1));
    }

    @Test
    void theFirstBadByteIsPointedAt() {
        assertEquals(1, new Utf8Validator().check(bytes('a', 0x80), 0, 2));      // stray continuation
        assertEquals(1, new Utf8Validator().check(bytes('a', 0xC1, 0xBF), 0, 3)); // overlong 2-byte lead
        assertEquals(2, new Utf8Validator().check(bytes(0xE0, 0x80, 0x80), 0, 3) + 1); // overlong 3-byte
        assertEquals(1, new Utf8Validator().check(bytes(0xED, 0xA0, 0x80), 0, 3)); // surrogate
        assertEquals(1, new Utf8Validator().check(bytes(0xF0, 0x80, 0x80, 0x80), 0, 4)); // overlong 4-byte
        assertEquals(1, new Utf8Validator().check(bytes(0xF4, 0x90, 0x80, 0x80), 0, 4)); // past U+10FFFF
        assertEquals(0, new Utf8Validator().check(bytes(0xF5), 0, 1));
        assertEquals(1, new Utf8Validator().check(bytes(0xC3, 'a'), 0, 2));        // truncated
    }

    @Test
    void resetForgetsAHalfReadCharacter() {
        Utf8Validator v = new Utf8Validator();
        v.check(bytes(0xE2), 0, 1);

        v.reset();

        assertEquals(-1, v.check(bytes('a'), 0, 1));
    }
}
