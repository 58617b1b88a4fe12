package chorus.loadtest.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmHeapTest {
    @Test
    void g1ReportsOneHeapLine() {
        String info = "12345:\n garbage-first heap   total 262144K, used 45436K [0x00000000c0000000, 0x0000000100000000)\n"
            + "  region size 1024K, 30 young (30720K), 2 survivors (2048K)\n"
            + " Metaspace       used 35035K, committed 35584K, reserved 1114112K\n";
        assertEquals(45436 * 1024.0, JvmHeap.usedBytesOf(info), 1e-9);
    }

    @Test
    void java25SaysReservedAndCommittedToo() {
        String info = "21915:\ngarbage-first heap   total reserved 6172672K, committed 393216K, used 11171K"
            + " [0x0000000687400000, 0x0000000800000000)\n region size 4096K, 3 young (12288K), 1 survivors (4096K)\n";
        assertEquals(11171 * 1024.0, JvmHeap.usedBytesOf(info), 1e-9);
    }

    @Test
    void parallelGcReportsYoungAndOldWhichAreAdded() {
        String info = " PSYoungGen      total 76288K, used 10000K [0x1, 0x2, 0x3)\n"
            + "  eden space 65536K, 15% used [0x1,0x2,0x3)\n"
            + " ParOldGen       total 175104K, used 2000K [0x4, 0x5, 0x6)\n"
            + " Metaspace       used 3000K, committed 3100K, reserved 1056768K\n";
        assertEquals(12000 * 1024.0, JvmHeap.usedBytesOf(info), 1e-9);
    }

    @Test
    void somethingElseIsNotANumber() {
        assertTrue(Double.isNaN(JvmHeap.usedBytesOf("no such process")));
    }
}
