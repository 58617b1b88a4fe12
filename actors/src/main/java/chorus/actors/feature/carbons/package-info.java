/** XEP-0280 Message Carbons: every carbons-enabled resource of an account sees both sides of its conversations. */
package chorus.actors.feature.carbons;
