/** Invitations (XEP-0401/XEP-0445): the hashes of open invite tokens, cluster-wide. */
package chorus.persistence.invites;
