package chorus.actors.feature.invite;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;

import java.time.Instant;

/**
 * An invitation just made: the token (given out once, here, and never stored), what it lets its holder do, and until
 * when. {@code toString} leaves the token out.
 *
 * @param inviter the user whose contact the invitee becomes (XEP-0379), or null for an account invite
 */
public record Invite(String token, Kind kind, BareJid inviter, DomainJid domain, Instant expires) {

    /** What a token lets its holder do. */
    public enum Kind {
        /** Register one account (an admin's invite, XEP-0445 §2.2). */
        ACCOUNT,
        /** Register one account that becomes a mutual contact of the inviter (XEP-0401 §3, ibr=y). */
        USER;

        String stored() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind fromStored(String s) {
            return "user".equals(s) ? USER : ACCOUNT;
        }
    }

    /**
     * The XMPP URI that carries it (XEP-0147 query components): {@code xmpp:inviter?roster;preauth=T;ibr=y} for a
     * user invite (XEP-0401 §4), {@code xmpp:domain?register;preauth=T} for an account invite (XEP-0445 §2.2).
     */
    public String uri() {
        return kind == Kind.USER
            ? "xmpp:" + inviter + "?roster;preauth=" + token + ";ibr=y"
            : "xmpp:" + domain + "?register;preauth=" + token;
    }

    @Override
    public String toString() {
        return "Invite[" + kind + (inviter == null ? "" : " by " + inviter) + " until " + expires + "]";
    }
}
