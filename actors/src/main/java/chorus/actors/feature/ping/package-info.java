/** XEP-0199 XMPP Ping. */
package chorus.actors.feature.ping;
