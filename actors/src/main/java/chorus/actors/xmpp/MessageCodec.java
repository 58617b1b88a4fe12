package chorus.actors.xmpp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A message written down as bytes for a table of its own (the archive, a mailbox's notices) and read back. */
public final class MessageCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MessageCodec() {
    }

    public static byte[] encode(Message m) {
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Message decode(byte[] bytes) {
        try {
            return JSON.readValue(bytes, Message.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
