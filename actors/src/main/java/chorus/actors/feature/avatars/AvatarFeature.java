package chorus.actors.feature.avatars;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.pep.PepLimits;

import java.util.Set;

/**
 * XEP-0398 User Avatar to vCard-Based Avatars Conversion ({@code urn:xmpp:pep-vcard-conversion:0}): a XEP-0084
 * avatar published in PEP becomes the vcard-temp PHOTO, and a PHOTO an old client sets is published as XEP-0084
 * ({@link AvatarSync}). Both stores are the account's slices: removing the account erases them.
 */
public final class AvatarFeature implements AccountFeature {
    public static final String CONVERSION = "urn:xmpp:pep-vcard-conversion:0";

    private final PepLimits pep;
    private final int vcardMaxWeight;

    /** {@code pep}: the PEP feature's limits; {@code vcardMaxWeight}: the largest vCard stored. */
    public AvatarFeature(PepLimits pep, int vcardMaxWeight) {
        this.pep = pep;
        this.vcardMaxWeight = vcardMaxWeight;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(CONVERSION);
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new AvatarSync(pep, vcardMaxWeight);
    }
}
