package chorus.loadtest;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TargetOptionsTest {
    @Test
    void sourceRangesVaryTheLastOctet() throws Exception {
        List<InetAddress> a = TargetOptions.parseSources(List.of("127.0.0.2-4", "127.0.0.9"));
        assertEquals(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.9"),
            a.stream().map(InetAddress::getHostAddress).toList());
    }

    @Test
    void aBackwardRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TargetOptions.parseSources(List.of("127.0.0.5-2")));
    }

    @Test
    void targetsAreHostAndPort() {
        TargetOptions t = new TargetOptions();
        t.targets = List.of("127.0.0.1:5222", "localhost:5223");
        assertEquals(5223, t.targetAddresses().get(1).getPort());
        t.targets = List.of("127.0.0.1");
        assertThrows(IllegalArgumentException.class, t::targetAddresses);
    }
}
