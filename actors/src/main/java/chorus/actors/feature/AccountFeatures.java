package chorus.actors.feature;

import chorus.actors.xmpp.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The account features of a node, in the order their hooks run: the user entity's feature registry. */
public final class AccountFeatures {
    private final List<AccountFeature> features;

    public AccountFeatures(List<AccountFeature> features) {
        this.features = List.copyOf(features);
    }

    public static AccountFeatures of(AccountFeature... features) {
        return new AccountFeatures(List.of(features));
    }

    /** Every feature's disco#info features, sorted: what an account announces (XEP-0030). */
    public Set<String> discoFeatures() {
        Set<String> all = new TreeSet<>();
        for (AccountFeature f : features) {
            all.addAll(f.discoFeatures());
        }
        return all;
    }

    /** Whether a feature wants to see this message one of an account's clients sent (see the router). */
    public boolean seesSent(Message message) {
        for (AccountFeature f : features) {
            if (f.seesSent(message)) {
                return true;
            }
        }
        return false;
    }

    /** Each feature's part in one account's entity, in order. */
    public List<AccountHooks> start(AccountContext ctx) {
        List<AccountHooks> hooks = new ArrayList<>(features.size());
        for (AccountFeature f : features) {
            hooks.add(f.start(ctx));
        }
        return hooks;
    }

    /** Each feature's part of a portable export (XEP-0227), in registry order. */
    public List<Portable> portables() {
        return features.stream().map(AccountFeature::portable).toList();
    }

    public AccountFeatures plus(AccountFeature f) {
        List<AccountFeature> l = new ArrayList<>(features);
        l.add(f);
        return new AccountFeatures(l);
    }

    @Override
    public String toString() {
        return "AccountFeatures" + features;
    }
}
