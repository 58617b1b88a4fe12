package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;
import chorus.actors.feature.roster.Roster;

import java.util.HashMap;
import java.util.Map;

/**
 * The persisted account: no credentials means no account. The core keeps the credentials and the roster (RFC 6121:
 * what presence and every feature relate to); each feature keeps its slice, keyed by its {@link SliceKey} name, so
 * removing the account removes all of it. Snapshots are written by {@link AccountStateSerializer}.
 */
public record AccountState(Credentials credentials, Roster roster, Map<String, AccountSlice> slices) {

    public AccountState {
        roster = roster == null ? Roster.empty() : roster;
        slices = slices == null ? Map.of() : Map.copyOf(slices);
    }

    public static AccountState empty() {
        return new AccountState(null, Roster.empty(), Map.of());
    }

    public boolean exists() {
        return credentials != null;
    }

    /** A feature's slice, or its empty value. */
    public <S extends AccountSlice> S slice(SliceKey<S> key) {
        AccountSlice s = slices.get(key.name());
        return s == null ? key.empty() : key.type().cast(s);
    }

    /** The state after an event: the entity's own, or a feature's {@link SliceEvent}. */
    AccountState apply(AccountEvent e) {
        if (e instanceof UserEntity.AccountCreated c) {
            return empty().withCredentials(c.credentials());
        }
        if (e instanceof UserEntity.PasswordChanged c) {
            return withCredentials(c.credentials());
        }
        if (e instanceof UserEntity.AccountRemoved) {
            return empty();
        }
        if (e instanceof UserEntity.RosterItemSet r) {
            return new AccountState(credentials, roster.put(r.item()), slices);
        }
        if (e instanceof UserEntity.RosterItemRemoved r) {
            return new AccountState(credentials, roster.remove(r.jid()), slices);
        }
        if (e instanceof SliceEvent<?> se) {
            return applySlice(se);
        }
        throw new IllegalArgumentException("not an account event: " + e.getClass().getName());
    }

    private <S extends AccountSlice> AccountState applySlice(SliceEvent<S> e) {
        SliceKey<S> key = e.slice();
        S after = e.applyTo(slice(key));
        Map<String, AccountSlice> m = new HashMap<>(slices);
        if (after == null || after.equals(key.empty())) {
            m.remove(key.name());
        } else {
            m.put(key.name(), after);
        }
        return new AccountState(credentials, roster, m);
    }

    private AccountState withCredentials(Credentials c) {
        return new AccountState(c, roster, slices);
    }

    @Override
    public String toString() {
        return "AccountState[" + (exists() ? "account" : "none") + ", " + roster + ", " + slices.keySet() + "]";
    }
}
