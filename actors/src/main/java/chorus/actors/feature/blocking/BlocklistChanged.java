package chorus.actors.feature.blocking;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Jid;

import java.util.List;

/** The user's block list is now exactly this (XEP-0191). */
public record BlocklistChanged(List<Jid> blocked) implements SliceEvent<BlockList> {
    public BlocklistChanged {
        blocked = List.copyOf(blocked);
    }

    @Override
    public SliceKey<BlockList> slice() {
        return BlockList.KEY;
    }

    @Override
    public BlockList applyTo(BlockList before) {
        return new BlockList(blocked);
    }

    @Override
    public String toString() {
        return "BlocklistChanged[" + blocked.size() + " entries]";
    }
}
