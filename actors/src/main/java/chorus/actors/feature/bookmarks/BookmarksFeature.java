package chorus.actors.feature.bookmarks;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.pep.PepLimits;

import java.util.Set;

/**
 * XEP-0402 PEP Native Bookmarks with {@code urn:xmpp:bookmarks:1#compat} (§5.3, §6): the bookmarks node itself is
 * plain PEP (the PEP feature answers its requests); this feature keeps XEP-0048 bookmarks in XEP-0049 private
 * storage and the node in sync ({@link BookmarkSync}). It keeps no slice of its own: removing the account erases
 * both stores with their slices.
 */
public final class BookmarksFeature implements AccountFeature {
    public static final String COMPAT = "urn:xmpp:bookmarks:1#compat";

    private final PepLimits pep;
    private final int privateMaxWeight;

    /** {@code pep}: the PEP feature's limits; {@code privateMaxWeight}: the largest private XML element. */
    public BookmarksFeature(PepLimits pep, int privateMaxWeight) {
        this.pep = pep;
        this.privateMaxWeight = privateMaxWeight;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(COMPAT);
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new BookmarkSync(pep, privateMaxWeight);
    }
}
