/** The contract between the entities and the features: IQ handlers and what they decide. */
package chorus.actors.feature;
