package chorus.actors.feature.webpresence;

import chorus.actors.xmpp.BareJid;

import java.util.Optional;

/**
 * The availability of the accounts that show a badge, readable on every node: an account whose user did not allow
 * it is never on the board, so the web learns nothing of it, not even that it exists.
 */
public interface BadgeBoard {

    void show(BareJid account, Availability availability);

    void hide(BareJid account);

    /** What this node knows of the account's badge; empty for any account not on the board. */
    Optional<Availability> of(BareJid account);
}
