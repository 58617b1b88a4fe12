package chorus.actors.muc;

import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Node;

import java.util.List;

/** Someone in a room: a nickname, the real address behind it, a role, and the presence they last sent. */
final class Occupant {
    String nick;
    final FullJid real;
    Role role;
    /** The children of their last presence, without the MUC elements. */
    List<Node> presence;

    Occupant(String nick, FullJid real, Role role, List<Node> presence) {
        this.nick = nick;
        this.real = real;
        this.role = role;
        this.presence = presence;
    }
}
