package chorus.actors.feature.blocking;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Jid;

import java.util.List;

/** The account's block list (XEP-0191), as the user wrote it (bare, full or domain JIDs), in order. */
public record BlockList(List<Jid> blocked) implements AccountSlice {
    public static final SliceKey<BlockList> KEY = SliceKey.of("blocking", BlockList.class, new BlockList(List.of()));

    public BlockList {
        blocked = blocked == null ? List.of() : List.copyOf(blocked);
    }

    /** The list names contacts: print only its size. */
    @Override
    public String toString() {
        return "BlockList[" + blocked.size() + "]";
    }
}
