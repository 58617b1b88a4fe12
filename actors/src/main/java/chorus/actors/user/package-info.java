/**
 * The user's entity: the account (credentials, roster and the features' slices, persisted), its bound resources
 * (live), RFC 6121 presence and delivery; everything else goes to the account features through their hooks.
 */
package chorus.actors.user;
