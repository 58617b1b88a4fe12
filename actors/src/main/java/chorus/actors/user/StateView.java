package chorus.actors.user;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.SliceKey;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Jid;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The account as its features read it: one state, whether a resource is online, and the features' answers. */
record StateView(AccountState state, boolean online, BareJid account, FeatureHooks hooks) implements AccountData {

    @Override
    public <S extends AccountSlice> S slice(SliceKey<S> key) {
        return state.slice(key);
    }

    @Override
    public IqContext.Relation relationOf(Jid other) {
        if (other == null) {
            return IqContext.Relation.STRANGER;
        }
        if (other.local() != null && other.bare().equals(account)) {
            return IqContext.Relation.SELF;
        }
        return state.roster().get(other.bare())
            .filter(i -> i.subscription().hasFrom())
            .map(i -> IqContext.Relation.CONTACT)
            .orElse(IqContext.Relation.STRANGER);
    }

    @Override
    public boolean inRoster(Jid other) {
        return state.roster().get(other.bare()).isPresent();
    }

    @Override
    public List<Jid> presenceSubscribers() {
        List<Jid> out = new ArrayList<>();
        for (RosterItem item : state.roster().items().values()) {
            if (item.subscription().hasFrom()) {
                out.add(item.jid());
            }
        }
        return out;
    }

    @Override
    public boolean blocks(Jid other) {
        return hooks.blocks(this, other);
    }

    @Override
    public Set<String> discoNodes(IqContext.Relation relation) {
        return hooks.discoNodes(this, relation);
    }

    @Override
    public String toString() {
        return "StateView[" + account + (online ? " online" : "") + "]";
    }
}
