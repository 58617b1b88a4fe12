package chorus.actors.feature.fast;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The account's FAST tokens (XEP-0484), oldest first: at most one per client and mechanism. */
public record FastTokens(List<FastToken> all) implements AccountSlice {
    public static final SliceKey<FastTokens> KEY = SliceKey.of("fast", FastTokens.class, new FastTokens(List.of()));

    public FastTokens {
        all = all == null ? List.of() : List.copyOf(all);
    }

    /** With this token in place of the client's earlier one, the expired ones gone, kept to {@code max} (oldest out). */
    FastTokens with(FastToken t, int max) {
        List<FastToken> out = new ArrayList<>();
        for (FastToken old : all) {
            if (!(old.client().equals(t.client()) && old.mechanism().equals(t.mechanism())) && !old.expiredAt(t.issued())) {
                out.add(old);
            }
        }
        out.add(t);
        while (out.size() > Math.max(1, max)) {
            out.remove(0);
        }
        return new FastTokens(out);
    }

    /** Without the token of this key. */
    FastTokens without(byte[] key) {
        List<FastToken> out = new ArrayList<>(all);
        out.removeIf(t -> Arrays.equals(t.key(), key));
        return new FastTokens(out);
    }

    /** The tokens of this mechanism still good at {@code now}. */
    List<FastToken> valid(String mechanism, Instant now) {
        return all.stream().filter(t -> t.mechanism().equals(mechanism) && !t.expiredAt(now)).toList();
    }

    @Override
    public String toString() {
        return "FastTokens[" + all.size() + "]";
    }
}
