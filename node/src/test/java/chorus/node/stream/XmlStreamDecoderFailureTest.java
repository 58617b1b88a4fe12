package chorus.node.stream;

import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamEvent.StanzaReceived;
import chorus.node.stream.StreamEvent.StreamFailed;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static chorus.node.stream.Decoding.HEADER;
import static chorus.node.stream.Decoding.failureAfterHeader;
import static chorus.node.stream.Decoding.failureOf;
import static chorus.node.stream.Decoding.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input the decoder refuses, and the stream error condition it names (RFC 6120 §4.9.3, §11). */
class XmlStreamDecoderFailureTest {

    @Test
    void aDoctypeWithAnInternalSubsetIsRestrictedXml() {
        String billionLaughs = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
            + "<!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>";

        assertEquals(StreamErrors.RESTRICTED_XML, failureOf(billionLaughs + HEADER).condition());
    }

    @Test
    void aDoctypeNamingAnExternalDtdIsRestrictedXml() {
        assertEquals(StreamErrors.RESTRICTED_XML,
            failureOf("<!DOCTYPE stream SYSTEM 'http://attacker.example/x.dtd'>").condition());
    }

    @Test
    void commentsAreRestrictedXmlWhereverTheyAre() {
        assertEquals(StreamErrors.RESTRICTED_XML, failureOf("<!-- before -->" + HEADER).condition());
        assertEquals(StreamErrors.RESTRICTED_XML, failureAfterHeader("<!-- between -->").condition());
        assertEquals(StreamErrors.RESTRICTED_XML, failureAfterHeader("<message><!-- in --></message>").condition());
    }

    @Test
    void processingInstructionsAreRestrictedXml() {
        assertEquals(StreamErrors.RESTRICTED_XML, failureOf("<?xml version='1.0'?><?evil x?>" + HEADER).condition());
        assertEquals(StreamErrors.RESTRICTED_XML, failureAfterHeader("<message><?evil x?></message>").condition());
    }

    @Test
    void anUndeclaredEntityIsRestrictedXmlInTextAndInAttributes() {
        assertEquals(StreamErrors.RESTRICTED_XML, failureAfterHeader("<message><body>&xxe;</body></message>").condition());
        assertEquals(StreamErrors.RESTRICTED_XML, failureAfterHeader("<message to='&xxe;'/>").condition());
    }

    @Test
    void malformedXmlIsNotWellFormed() {
        assertEquals(StreamErrors.NOT_WELL_FORMED, failureAfterHeader("<message></presence>").condition());
        assertEquals(StreamErrors.NOT_WELL_FORMED, failureAfterHeader("<message a='1' a='2'/>").condition());
        assertEquals(StreamErrors.NOT_WELL_FORMED, failureAfterHeader("<message><body>\u0001</body></message>").condition());
        assertEquals(StreamErrors.NOT_WELL_FORMED, failureOf("</stream:stream>").condition());
    }

    @Test
    void bytesThatAreNotUtf8AreUnsupportedEncoding() {
        byte[][] bad = {
            {(byte) 0xFF},                          // never valid
            {(byte) 0xC0, (byte) 0xAF},             // overlong '/', which Aalto would take
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xC3, 'a'},                     // a truncated sequence
        };
        for (byte[] b : bad) {
            byte[] input = concat(utf8(HEADER + "<message><body>"), b, utf8("</body></message>"));
            assertEquals(StreamErrors.UNSUPPORTED_ENCODING, failureOf(input).condition(), Arrays.toString(b));
        }
    }

    @Test
    void stanzasBeforeABadByteStillArrive() {
        List<StreamEvent> events = new Decoding().write(concat(utf8(HEADER + "<presence/>"), new byte[] {(byte) 0xFF}));

        assertInstanceOf(StanzaReceived.class, events.get(1));
        assertEquals(StreamErrors.UNSUPPORTED_ENCODING, ((StreamFailed) events.get(2)).condition());
    }

    @Test
    void anEncodingOtherThanUtf8IsUnsupportedEncoding() {
        String stream = HEADER.substring(HEADER.indexOf("?>") + 2);
        assertEquals(StreamErrors.UNSUPPORTED_ENCODING,
            failureOf("<?xml version='1.0' encoding='ISO-8859-1'?>" + stream).condition());
        assertEquals(StreamErrors.UNSUPPORTED_ENCODING,
            failureOf("<?xml version='1.0' encoding='UTF-16'?>" + stream).condition());
        assertEquals(StreamErrors.UNSUPPORTED_ENCODING,
            failureOf(stream.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)).condition());
        assertEquals(StreamErrors.UNSUPPORTED_ENCODING,
            failureOf(stream.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)).condition());
        assertEquals(StreamErrors.UNSUPPORTED_ENCODING,
            failureOf(stream.getBytes(java.nio.charset.StandardCharsets.UTF_16)).condition()); // with a BOM
    }

    @Test
    void anXmlDeclarationNamingUtf8InLowerCaseIsAccepted() {
        String stream = HEADER.substring(HEADER.indexOf("?>") + 2);

        assertInstanceOf(StreamEvent.StreamOpen.class,
            new Decoding().write("<?xml version='1.0' encoding='utf-8'?>" + stream).get(0));
    }

    @Test
    void aUtf8ByteOrderMarkIsAZeroWidthSpaceAndNotWellFormedBeforeTheRoot() {
        // RFC 6120 §11.6: U+FEFF is never a byte order mark in XMPP.
        assertEquals(StreamErrors.NOT_WELL_FORMED, failureOf("\uFEFF" + HEADER).condition());
    }

    @Test
    void aRootOtherThanTheStreamElementIsInvalidNamespace() {
        assertEquals(StreamErrors.INVALID_NAMESPACE, failureOf("<message xmlns='jabber:client'/>").condition());
        assertEquals(StreamErrors.INVALID_NAMESPACE,
            failureOf("<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong'>").condition());
        assertEquals(StreamErrors.INVALID_NAMESPACE,
            failureOf("<stream xmlns='http://etherx.jabber.org/streams'>").condition());
    }

    @Test
    void aMissingOrWrongContentNamespaceIsInvalidNamespace() {
        assertEquals(StreamErrors.INVALID_NAMESPACE,
            failureOf("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>").condition());
        assertEquals(StreamErrors.INVALID_NAMESPACE, failureOf(HEADER.replace("jabber:client", "jabber:server")).condition());
    }

    @Test
    void anUnboundStreamPrefixIsBadNamespacePrefix() {
        // RFC 6120 §4.9.3.2's example: the stream prefix is used but never declared.
        assertEquals(StreamErrors.BAD_NAMESPACE_PREFIX,
            failureOf("<stream:stream to='im.example.com' version='1.0' xmlns='jabber:client'>").condition());
    }

    @Test
    void aSecondStreamHeaderInsideTheStreamIsBadFormat() {
        StreamFailed failed = failureAfterHeader(HEADER.substring(HEADER.indexOf("?>") + 2));

        assertEquals(StreamErrors.BAD_FORMAT, failed.condition());
    }

    @Test
    void textBetweenStanzasIsBadFormat() {
        assertEquals(StreamErrors.BAD_FORMAT, failureAfterHeader("hello<presence/>").condition());
    }

    @Test
    void dataAfterTheClosingTagIsNotWellFormed() {
        Decoding d = new Decoding();
        d.write(HEADER + "</stream:stream>  ");

        assertEquals(List.of(), d.write("\n"));
        assertEquals(StreamErrors.NOT_WELL_FORMED, ((StreamFailed) d.write("<presence/>").get(0)).condition());
    }

    @Test
    void afterAFailureFurtherInputIsDiscarded() {
        Decoding d = new Decoding();
        d.write(HEADER + "<!-- x -->");

        assertEquals(List.of(), d.write("<presence/><message/></stream:stream>"));
        assertEquals(List.of(), d.write(new byte[] {(byte) 0xFF}));
    }

    @Test
    void aNamespaceNameOf1024CharactersPassesAndOneMoreIsAPolicyViolation() {
        String fits = "<message><x xmlns='urn:" + "n".repeat(1024 - 4) + "'/></message>";
        String over = "<message><x xmlns:p='urn:" + "n".repeat(1025 - 4) + "'/></message>";
        List<StreamEvent> ok = new Decoding().write(HEADER + fits);
        assertInstanceOf(StreamEvent.StanzaReceived.class, ok.get(ok.size() - 1), ok.toString());
        List<StreamEvent> bad = new Decoding().write(HEADER + over);
        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) bad.get(bad.size() - 1)).condition());
    }

    @Test
    void aStanzaAtTheSizeLimitPassesAndOneByteMoreFails() {
        StreamLimits limits = new StreamLimits(100, 64, 8192);
        String fits = "<message>" + "x".repeat(100 - 19) + "</message>";
        String over = "<message>" + "x".repeat(101 - 19) + "</message>";
        for (int piece : new int[] {1, 3, 100_000}) {
            assertEquals(100, utf8(fits).length);
            List<StreamEvent> ok = new Decoding(new XmlStreamDecoder(limits, Ns.CLIENT))
                .writeInPieces(utf8(HEADER + " " + fits + "\n" + fits + " "), pieces(piece));
            assertEquals(3, ok.size(), "piece " + piece + ": " + ok);

            List<StreamEvent> bad = new Decoding(new XmlStreamDecoder(limits, Ns.CLIENT))
                .writeInPieces(utf8(HEADER + over), pieces(piece));
            assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) bad.get(bad.size() - 1)).condition());
        }
    }

    @Test
    void aTenMegabyteStanzaFailsLongBeforeItIsAllRead() {
        Decoding d = new Decoding();
        d.write(HEADER + "<message><body>");
        byte[] chunk = utf8("a".repeat(4096));
        long written = 0;
        List<StreamEvent> events = List.of();
        while (events.isEmpty() && written < 10_000_000) {
            events = d.write(chunk.clone());
            written += chunk.length;
        }

        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) events.get(0)).condition());
        assertTrue(written <= StreamLimits.DEFAULTS.maxStanzaBytes() + chunk.length, "read " + written + " bytes");
        assertEquals(List.of(), d.write(chunk.clone()), "the rest is discarded");
    }

    @Test
    void nestingDeeperThanTheLimitIsAPolicyViolation() {
        int limit = StreamLimits.DEFAULTS.maxDepth();
        String deepest = "<a>".repeat(limit - 1) + "</a>".repeat(limit - 1);
        List<StreamEvent> ok = new Decoding().write(HEADER + "<message>" + deepest + "</message>");
        assertInstanceOf(StanzaReceived.class, ok.get(1));

        assertEquals(StreamErrors.POLICY_VIOLATION, failureAfterHeader("<message><a>" + deepest + "</a></message>").condition());
    }

    @Test
    void aHeaderOverItsLimitIsAPolicyViolation() {
        int length = utf8(HEADER).length;
        List<StreamEvent> ok = new Decoding(new XmlStreamDecoder(new StreamLimits(1000, 8, length), Ns.CLIENT)).write(HEADER);
        assertInstanceOf(StreamEvent.StreamOpen.class, ok.get(0));

        List<StreamEvent> bad = new Decoding(new XmlStreamDecoder(new StreamLimits(1000, 8, length - 1), Ns.CLIENT))
            .writeInPieces(utf8(HEADER), pieces(5));
        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) bad.get(0)).condition());
    }

    @Test
    void anEndlessHeaderFailsWithoutWaitingForItsEnd() {
        Decoding d = new Decoding();
        List<StreamEvent> events = d.write("<stream:stream to='" + "x".repeat(9000));

        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) events.get(0)).condition());
    }

    private static int[] pieces(int size) {
        int[] sizes = new int[100_000];
        Arrays.fill(sizes, size);
        return sizes;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
