package chorus.node.it;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The established TCP connections to an address and port on this machine, as {@code ss} lists them. */
public final class Established {
    private Established() {
    }

    /** One line per connection to {@code ip:port}; with {@code processes}, each names its process ("pid=..."). */
    public static List<String> to(String ip, int port, boolean processes) throws Exception {
        Process ss = new ProcessBuilder("ss", processes ? "-tnpH" : "-tnH", "state", "established", "dst", ip + ":" + port)
            .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ss.waitFor();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
