package chorus.actors.feature;

import chorus.actors.ClusterMessage;

/**
 * A feature's part of the persisted account (a vCard, a block list, PEP nodes). Kept by the user entity beside the
 * account's credentials and roster, written into its snapshots with the serializer bound to the slice's class, and
 * emptied with the account. A slice is data only: a record whose components are what is stored (no method named
 * {@code get…} or {@code is…}, so Jackson sees only those).
 */
public interface AccountSlice extends ClusterMessage {
}
