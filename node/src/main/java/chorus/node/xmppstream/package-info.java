/**
 * An XMPP stream, whatever carries it (RFC 6120 §4-5, §8.1.2): what a transport adapter offers, the stream
 * header and stream errors, the STARTTLS step, and the intake of stanzas with their 'from' checked. Shared by
 * the client sessions and, later, server-to-server streams and components; nothing here knows Netty.
 */
package chorus.node.xmppstream;
