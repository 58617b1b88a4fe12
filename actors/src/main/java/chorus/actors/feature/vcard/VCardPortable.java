package chorus.actors.feature.vcard;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.Portable;
import chorus.actors.xmpp.Element;

import java.util.List;

/**
 * XEP-0227 §3.8: the account's vCard as {@code <vCard xmlns='vcard-temp'/>}; imported as the owner's set. A source
 * that keeps vCards in PEP (Prosody's default mod_vcard_legacy) exports vcard4 and avatar items instead: those make
 * the vCard (see {@link VCard4}).
 */
public final class VCardPortable implements Portable {
    @Override
    public List<Element> export(AccountData data) {
        Element vcard = data.slice(StoredVCard.KEY).vcard();
        return vcard == null ? List.of() : List.of(vcard);
    }

    @Override
    public List<Element> requests(Element child) {
        if (child.is("vCard", VCardHandler.NS)) {
            return List.of(child);
        }
        return VCard4.fromPepItems(child).map(List::of).orElse(List.of());
    }
}
