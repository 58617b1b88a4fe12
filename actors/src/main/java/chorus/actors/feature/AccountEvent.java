package chorus.actors.feature;

import chorus.actors.ClusterMessage;

/**
 * Everything an account's journal holds: the user entity's own events and those its features decide
 * (a vCard stored, a contact blocked). Events are data only and are applied by the user entity.
 */
public interface AccountEvent extends ClusterMessage {
}
