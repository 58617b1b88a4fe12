package chorus.actors.feature.blocking;

import chorus.actors.feature.AccountEvent;
import chorus.actors.xmpp.Jid;

import java.util.List;

/** The user's block list is now exactly this (XEP-0191). */
public record BlocklistChanged(List<Jid> blocked) implements AccountEvent {
    public BlocklistChanged {
        blocked = List.copyOf(blocked);
    }

    @Override
    public String toString() {
        return "BlocklistChanged[" + blocked.size() + " entries]";
    }
}
