package chorus.actors.feature;

import chorus.actors.ClusterMessage;

/**
 * A command a feature takes straight from a session of a node, not as a stanza: what a session needs of the account
 * before it is bound (XEP-0484 FAST tokens at login). The account's entity hands it to the features'
 * {@link AccountHooks#command} hooks; the one that owns it decides (and replies through the command's reply ref).
 */
public interface AccountCommand extends ClusterMessage {
}
