package chorus.actors.feature;

import chorus.actors.ClusterMessage;

/**
 * Everything an account's journal holds: the user entity's own events (account created, roster changed) and its
 * features' {@link SliceEvent}s (a vCard stored, a contact blocked). Events are data only.
 */
public interface AccountEvent extends ClusterMessage {
}
