package chorus.actors.feature.mam;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

/** The user changed its archiving preferences (XEP-0441). */
public record MamPrefsSet(MamPrefs prefs) implements SliceEvent<ArchivePrefs> {
    @Override
    public SliceKey<ArchivePrefs> slice() {
        return ArchivePrefs.KEY;
    }

    @Override
    public ArchivePrefs applyTo(ArchivePrefs before) {
        return new ArchivePrefs(prefs);
    }

    /** The lists name the user's contacts: print nothing of them. */
    @Override
    public String toString() {
        return "MamPrefsSet[" + prefs.mode() + "]";
    }
}
