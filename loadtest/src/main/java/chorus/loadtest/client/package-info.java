/** Thousands of XMPP client connections on a few Netty event loops: TLS, SASL, binding (RFC 6120). */
package chorus.loadtest.client;
