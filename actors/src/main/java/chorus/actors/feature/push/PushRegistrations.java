package chorus.actors.feature.push;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Jid;

import java.util.ArrayList;
import java.util.List;

/** The account's push registrations (XEP-0357), oldest first. */
public record PushRegistrations(List<PushRegistration> all) implements AccountSlice {
    public static final SliceKey<PushRegistrations> KEY =
        SliceKey.of("push", PushRegistrations.class, new PushRegistrations(List.of()));

    public PushRegistrations {
        all = all == null ? List.of() : List.copyOf(all);
    }

    /** With this registration in place of the one at the same app server and node, kept to {@code max}, oldest out. */
    PushRegistrations with(PushRegistration r, int max) {
        List<PushRegistration> out = new ArrayList<>(without(r.service(), r.node()).all);
        out.add(r);
        while (out.size() > Math.max(1, max)) {
            out.remove(0);
        }
        return new PushRegistrations(out);
    }

    /** Without the registrations at this app server and node (every node of the app server when null). */
    PushRegistrations without(Jid service, String node) {
        List<PushRegistration> out = new ArrayList<>(all);
        out.removeIf(r -> r.is(service, node));
        return new PushRegistrations(out);
    }

    @Override
    public String toString() {
        return "PushRegistrations[" + all.size() + "]";
    }
}
