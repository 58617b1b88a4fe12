package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.XmlWriter;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Generated hostile input through the real decoder, in random pieces (issue 14): every input ends in stanzas
 * and a stream close, or in a stream error; nothing throws; every stanza keeps no more characters than its
 * bytes and is written back no larger; the heap is where it was. {@code -Dchorus.fuzz.inputs=N}
 * (default 3,000) and {@code -Dchorus.fuzz.seed=S} for longer runs (scripts/fuzz.sh) and replays.
 */
class XmlStreamDecoderFuzzTest {

    static long heapAfterGc() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, m.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    @Test
    void everyGeneratedInputEndsInStanzasOrAStreamErrorAndCostsNoMoreThanItsBytes() {
        int inputs = Integer.getInteger("chorus.fuzz.inputs", 3000);
        long seed = Long.getLong("chorus.fuzz.seed", 14L);
        StreamFuzz fuzz = new StreamFuzz(seed);
        long before = heapAfterGc();
        long start = System.nanoTime();
        int stanzas = 0;
        int errors = 0;
        int incomplete = 0;
        for (int i = 0; i < inputs; i++) {
            byte[] in = fuzz.next();
            List<StreamEvent> events = new ArrayList<>();
            try {
                Decoding d = new Decoding(new XmlStreamDecoder(StreamLimits.DEFAULTS, Ns.CLIENT));
                events.addAll(d.write(Decoding.HEADER));
                events.addAll(d.writeInPieces(in, fuzz.pieces(in.length)));
                events.addAll(d.write("</stream:stream>"));
            } catch (RuntimeException | Error e) {
                fail("input " + i + " of seed " + seed + " threw " + e, e);
            }
            StreamEvent last = events.get(events.size() - 1);
            if (last instanceof StreamEvent.StreamFailed) {
                errors++;
            } else if (!(last instanceof StreamEvent.StreamClosed)) {
                // The input stopped inside something that may still end (a CDATA section, a comment, an
                // attribute value): the parser waits for more, holding no more than the stanza limit; a
                // session ends such a stream at its negotiation timeout.
                incomplete++;
            }
            for (StreamEvent ev : events) {
                if (ev instanceof StreamEvent.StanzaReceived s) {
                    stanzas++;
                    checkCost(s.element(), in.length, "input " + i + " of seed " + seed);
                }
            }
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        long grown = heapAfterGc() - before;
        System.out.printf("decoder fuzz: %d inputs (seed %d) in %d ms: %d stanzas, %d stream errors, %d incomplete,"
            + " 0 crashes, heap after GC %+.1f MiB%n", inputs, seed, took, stanzas, errors, incomplete, grown / 1048576.0);
        assertTrue(grown < 32L * 1024 * 1024, "the heap grew by " + grown + " bytes");
    }

    static void checkCost(Element e, int wire, String what) {
        long kept = ElementCostTest.retainedChars(e);
        assertTrue(kept <= wire + 64L, what + ": " + kept + " characters kept for " + wire + " bytes");
        String out = XmlWriter.toXml(e, Ns.CLIENT);
        // The writer keeps the default-namespace style while repeated declarations cost at most 1 KiB in all.
        assertTrue(out.length() <= wire + 1024 + 64, what + ": " + out.length() + " characters written for " + wire + " read");
        List<StreamEvent> back = new Decoding(new XmlStreamDecoder(ElementCostTest.WIDE, Ns.CLIENT)).write(Decoding.HEADER + out);
        StreamEvent got = back.get(back.size() - 1);
        assertTrue(got instanceof StreamEvent.StanzaReceived, what + ": written form not read back: " + got);
        assertEquals(ElementCostTest.expanded(e), ElementCostTest.expanded(((StreamEvent.StanzaReceived) got).element()), what);
    }
}
