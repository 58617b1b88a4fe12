package chorus.actors.feature.privatedata;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Element;

/** The user stored this element under this key ({@link PrivateStore#key}); an empty element clears it. */
public record PrivateStored(String key, Element data) implements SliceEvent<PrivateStore> {
    @Override
    public SliceKey<PrivateStore> slice() {
        return PrivateStore.KEY;
    }

    @Override
    public PrivateStore applyTo(PrivateStore before) {
        return before.with(key, data);
    }

    @Override
    public String toString() {
        return "PrivateStored[" + key + "]";
    }
}
