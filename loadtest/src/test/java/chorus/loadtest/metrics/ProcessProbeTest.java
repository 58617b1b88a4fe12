package chorus.loadtest.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessProbeTest {
    @Test
    void cpuTimeIsUtimePlusStimeEvenWhenTheCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (my (odd) java) S 1 4242 4242 0 -1 4194560 51 0 0 0 1234 566 0 0 20 0 30 0 100 0 0";
        assertEquals(18.0, ProcessProbe.cpuSecondsOf(stat), 1e-9);
    }

    @Test
    void rssComesFromVmRssInKibibytes() {
        String status = "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  2048 kB\nThreads:\t30\n";
        assertEquals(2048 * 1024.0, ProcessProbe.rssBytesOf(status), 1e-9);
    }

    @Test
    void theGeneratorCanSampleItself() {
        ProcessProbe self = ProcessProbe.self();
        assertTrue(self.alive());
        assertTrue(self.cpuSeconds() > 0);
        assertTrue(self.rssBytes() > 1024 * 1024);
    }

    @Test
    void aProcessThatIsGoneReadsAsNotANumber() {
        ProcessProbe gone = new ProcessProbe("gone", Integer.MAX_VALUE);
        assertTrue(Double.isNaN(gone.cpuSeconds()));
        assertTrue(Double.isNaN(gone.rssBytes()));
    }
}
