package chorus.actors.feature.webpresence;

import chorus.actors.replicated.ReplicatedMap;
import chorus.actors.xmpp.BareJid;
import org.apache.pekko.actor.typed.ActorSystem;

import java.util.Optional;

/**
 * The badge board replicated to every node (account to availability, in memory only): the account's entity writes
 * where it runs, the HTTP listener of any node reads its own replica. After the whole cluster restarted, an account
 * shows again once its entity ran (its user came online).
 */
public final class ReplicatedBadgeBoard implements BadgeBoard {
    static final String KEY = "chorus-webpresence-badges";

    private final ReplicatedMap badges;

    private ReplicatedBadgeBoard(ActorSystem<?> system) {
        this.badges = new ReplicatedMap(system, KEY);
    }

    public static ReplicatedBadgeBoard start(ActorSystem<?> system) {
        return new ReplicatedBadgeBoard(system);
    }

    @Override
    public void show(BareJid account, Availability availability) {
        badges.put(account.toString(), availability.label());
    }

    @Override
    public void hide(BareJid account) {
        badges.remove(account.toString());
    }

    @Override
    public Optional<Availability> of(BareJid account) {
        return Optional.ofNullable(badges.view().get(account.toString())).map(Availability::parse);
    }
}
