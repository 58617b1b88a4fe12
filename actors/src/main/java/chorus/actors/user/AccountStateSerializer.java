package chorus.actors.user;

import chorus.actors.feature.AccountSlice;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.Serializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link AccountState} (the user entity's snapshots) as an {@link AccountSnapshot}: each feature's slice
 * through the serializer bound to its class, so this serializer knows no feature. Bound in {@code reference.conf}.
 * A slice whose class no longer exists (a feature taken out) is left out with a warning.
 */
public final class AccountStateSerializer extends SerializerWithStringManifest {
    private static final Logger log = LoggerFactory.getLogger(AccountStateSerializer.class);
    /** Chosen once, never to change: snapshots name their serializer by it. */
    static final int IDENTIFIER = 4_174_001;
    static final String MANIFEST = "account-state-v2";

    private final ExtendedActorSystem system;
    private volatile Serialization serialization;

    public AccountStateSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    private Serialization serialization() {
        if (serialization == null) {
            serialization = SerializationExtension.get(system);
        }
        return serialization;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return MANIFEST;
    }

    @Override
    public byte[] toBinary(Object o) {
        AccountState s = (AccountState) o;
        List<AccountSnapshot.StoredSlice> slices = new ArrayList<>(s.slices().size());
        for (Map.Entry<String, AccountSlice> e : s.slices().entrySet()) {
            Serializer ser = serialization().findSerializerFor(e.getValue());
            slices.add(new AccountSnapshot.StoredSlice(e.getKey(), ser.identifier(),
                Serializers.manifestFor(ser, e.getValue()), ser.toBinary(e.getValue())));
        }
        return serialization().serialize(new AccountSnapshot(s.credentials(), s.roster(), slices)).get();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (!MANIFEST.equals(manifest)) {
            throw new NotSerializableException("unknown account state manifest " + manifest);
        }
        AccountSnapshot snap = serialization().deserialize(bytes, AccountSnapshot.class).get();
        Map<String, AccountSlice> slices = new HashMap<>();
        for (AccountSnapshot.StoredSlice stored : snap.slices()) {
            try {
                Object slice = serialization().deserialize(stored.bytes(), stored.serializer(), stored.manifest()).get();
                slices.put(stored.name(), (AccountSlice) slice);
            } catch (RuntimeException e) {
                log.warn("an account snapshot's slice {} is unreadable and left out: {}", stored.name(), e.toString());
            }
        }
        return new AccountState(snap.credentials(), snap.roster(), slices);
    }
}
