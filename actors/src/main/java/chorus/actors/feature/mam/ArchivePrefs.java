package chorus.actors.feature.mam;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;

/** The user's archiving preferences (XEP-0441), or null when never set (the server's default applies). */
public record ArchivePrefs(MamPrefs prefs) implements AccountSlice {
    public static final SliceKey<ArchivePrefs> KEY = SliceKey.of("mam", ArchivePrefs.class, new ArchivePrefs(null));

    /** The lists name the user's contacts: print only the mode. */
    @Override
    public String toString() {
        return "ArchivePrefs[" + (prefs == null ? "unset" : prefs.mode()) + "]";
    }
}
