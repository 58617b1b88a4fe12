package chorus.actors.user;

import chorus.actors.ClusterMessage;
import chorus.actors.RenameMigration;
import chorus.actors.account.Credentials;
import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;
import chorus.actors.feature.blocking.BlockList;
import chorus.actors.feature.last.LastSeen;
import chorus.actors.feature.mam.ArchivePrefs;
import chorus.actors.feature.mam.MamPrefs;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.privatedata.PrivateStore;
import chorus.actors.feature.roster.Roster;
import chorus.actors.feature.vcard.StoredVCard;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot as the user entity wrote it before features had slices: one record, class
 * {@code chorus.actors.user.UserEntity$State}, with a field per feature. Read through {@link Migration} (configured
 * in {@code pekko.serialization.jackson.migrations}) and turned into an {@link AccountState} by the entity's snapshot
 * adapter. Frozen: it knows the features of that time, and nothing new is ever written in this form.
 */
public record LegacyUserState(Credentials credentials, Roster roster, Element vcard, Map<String, Element> privateData,
                              List<Jid> blocked, Instant lastSeen, Map<String, PepNode> pep, MamPrefs mamPrefs)
    implements ClusterMessage {

    AccountState toState() {
        Map<String, AccountSlice> slices = new HashMap<>();
        put(slices, StoredVCard.KEY, new StoredVCard(vcard));
        put(slices, PrivateStore.KEY, new PrivateStore(privateData));
        put(slices, BlockList.KEY, new BlockList(blocked));
        put(slices, LastSeen.KEY, new LastSeen(lastSeen));
        put(slices, PepNodes.KEY, new PepNodes(pep));
        put(slices, ArchivePrefs.KEY, new ArchivePrefs(mamPrefs));
        return new AccountState(credentials, roster, slices);
    }

    private static <S extends AccountSlice> void put(Map<String, AccountSlice> slices, SliceKey<S> key, S slice) {
        if (!slice.equals(key.empty())) {
            slices.put(key.name(), slice);
        }
    }

    @Override
    public String toString() {
        return "LegacyUserState[" + (credentials != null ? "account" : "none") + "]";
    }

    /** The old class name to this one; the fields are read as they were written. */
    public static final class Migration extends RenameMigration {
        public Migration() {
            super(LegacyUserState.class);
        }
    }
}
