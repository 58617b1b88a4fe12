/** XEP-0484 Fast Authentication Streamlining Tokens: the account's tokens, kept hashed. */
package chorus.actors.feature.fast;
