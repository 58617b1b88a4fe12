/** The XMPP XML stream (RFC 6120 §4, §11): bytes to stream events and stanzas back to bytes. */
package chorus.node.stream;
