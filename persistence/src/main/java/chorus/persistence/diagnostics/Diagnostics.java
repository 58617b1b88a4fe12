package chorus.persistence.diagnostics;

/** Shared rules of the diagnostics stores. */
final class Diagnostics {
    private Diagnostics() {
    }

    /** True when no filter is given, or the record's sender or recipient is that JID (any resource of it). */
    static boolean names(DeliveryFailure f, String jid) {
        if (jid == null || jid.isBlank()) {
            return true;
        }
        return matches(f.sender(), jid) || matches(f.recipient(), jid);
    }

    private static boolean matches(String address, String jid) {
        if (address == null) {
            return false;
        }
        return address.equals(jid) || address.startsWith(jid + "/");
    }
}
