package chorus.node.login;

import chorus.actors.account.ScramHash;
import chorus.actors.xmpp.BareJid;
import chorus.node.xmppstream.ClientSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the login throttle counts by: a keyed hash (HMAC-SHA-256, 64 bits of it) of an account name or of a source's
 * network, never the name or the address itself, so neither is in memory, in a message between nodes, or in a heap
 * dump. The key comes from the cluster's shared secret, so every node counts a name under the same number.
 */
final class ThrottleKeys {
    private final byte[] key;

    ThrottleKeys(byte[] clusterSecret) {
        this.key = ScramHash.SHA_256.hmac(clusterSecret, "chorus login throttle".getBytes(StandardCharsets.UTF_8));
    }

    long account(BareJid account) {
        return digest('a', account.toString().getBytes(StandardCharsets.UTF_8));
    }

    long source(ClientSource source) {
        return digest('s', source.network());
    }

    private long digest(char kind, byte[] what) {
        byte[] in = new byte[what.length + 1];
        in[0] = (byte) kind;
        System.arraycopy(what, 0, in, 1, what.length);
        return ByteBuffer.wrap(ScramHash.SHA_256.hmac(key, in)).getLong();
    }

    @Override
    public String toString() {
        return "ThrottleKeys";
    }
}
