/** The opt-in web presence badge: an account's availability on the web, for the accounts whose users asked. */
package chorus.actors.feature.webpresence;
