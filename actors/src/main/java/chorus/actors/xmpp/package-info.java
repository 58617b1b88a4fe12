/** The XMPP model: addresses (RFC 7622), XML elements and stanzas (RFC 6120 §8). No Pekko here. */
package chorus.actors.xmpp;
