package chorus.actors.feature.vcard;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Element;

/** The user stored this vCard (an empty {@code <vCard/>} clears it). */
public record VCardStored(Element vcard) implements SliceEvent<StoredVCard> {
    @Override
    public SliceKey<StoredVCard> slice() {
        return StoredVCard.KEY;
    }

    @Override
    public StoredVCard applyTo(StoredVCard before) {
        return new StoredVCard(vcard.children().isEmpty() ? null : vcard);
    }

    /** A vCard is personal data: print nothing of it. */
    @Override
    public String toString() {
        return "VCardStored";
    }
}
