package chorus.actors.feature.vcard;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Element;

/** The account's vCard (XEP-0054), or null when none was stored. */
public record StoredVCard(Element vcard) implements AccountSlice {
    public static final SliceKey<StoredVCard> KEY = SliceKey.of("vcard", StoredVCard.class, new StoredVCard(null));

    /** A vCard is personal data: print nothing of it. */
    @Override
    public String toString() {
        return "StoredVCard[" + (vcard == null ? "none" : "set") + "]";
    }
}
