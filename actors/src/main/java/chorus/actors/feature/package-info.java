/**
 * The contract between the user entity and the features: IQ handlers, account features with their hooks, slices
 * and events, and what they decide.
 */
package chorus.actors.feature;
