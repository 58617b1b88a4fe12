package chorus.node.it.peers;

import java.nio.file.Path;

/** A real XMPP server of a peer world, running as this test's own process on its own loopback address. */
public interface PeerServer extends AutoCloseable {
    /** Its XMPP domain, e.g. {@code prosody.example}. */
    String domain();

    /** Its chat room service, e.g. {@code conference.prosody.example}. */
    default String mucDomain() {
        return "conference." + domain();
    }

    /** The loopback address it listens on. */
    String ip();

    int c2sPort();

    int s2sPort();

    /** Its name and version, for reports: {@code Prosody 0.12.3}. */
    String version();

    /** Creates an account with the server's own command-line tool. */
    void register(String user, String password) throws Exception;

    /** Whether the server holds offline messages for {@code user} (read from its storage, for tests to wait on). */
    boolean hasOfflineMessages(String user) throws Exception;

    /**
     * Exports every account of the server in XEP-0227's portable format with the server's own tool, into the
     * directory {@code into} (made if needed); the files written.
     */
    java.util.List<Path> exportPortable(Path into) throws Exception;

    /** Its log files, for failure messages. */
    String logs();

    Path directory();

    @Override
    void close();
}
