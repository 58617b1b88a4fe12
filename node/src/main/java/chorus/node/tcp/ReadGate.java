package chorus.node.tcp;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Whether a client connection is read from. Several stages may each have a reason to stop reading (the
 * session actor falls behind, the client does not read what is written to it, the node is stopping); the
 * connection is read from only while none has. Used on the channel's event loop only.
 */
final class ReadGate {
    /** The session actor has too many events to work through. */
    static final int ACTOR_BEHIND = 1;
    /** The node is stopping: nothing more is read. */
    static final int STOPPING = 2;
    /** The client does not read: what is written to it waits above the high water mark. */
    static final int UNWRITABLE = 4;
    /** A peer server is over its stanza or byte rate: it waits until its debt is paid. */
    static final int OVER_RATE = 8;

    private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf("chorus.read-gate");

    private final Channel channel;
    private int reasons;

    private ReadGate(Channel channel) {
        this.channel = channel;
    }

    static ReadGate of(Channel channel) {
        ReadGate gate = channel.attr(KEY).get();
        if (gate == null) {
            gate = new ReadGate(channel);
            ReadGate other = channel.attr(KEY).setIfAbsent(gate);
            if (other != null) {
                gate = other;
            }
        }
        return gate;
    }

    void stop(int reason) {
        reasons |= reason;
        apply();
    }

    void resume(int reason) {
        reasons &= ~reason;
        apply();
    }

    boolean stopped(int reason) {
        return (reasons & reason) != 0;
    }

    private void apply() {
        boolean read = reasons == 0;
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }
}
