/** The client side of an XMPP stream's XML: framing incoming bytes into elements, writing stanzas. */
package chorus.loadtest.xml;
