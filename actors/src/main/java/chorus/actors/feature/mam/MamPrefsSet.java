package chorus.actors.feature.mam;

import chorus.actors.feature.AccountEvent;

/** The user changed its archiving preferences (XEP-0441). */
public record MamPrefsSet(MamPrefs prefs) implements AccountEvent {
    /** The lists name the user's contacts: print nothing of them. */
    @Override
    public String toString() {
        return "MamPrefsSet[" + prefs.mode() + "]";
    }
}
