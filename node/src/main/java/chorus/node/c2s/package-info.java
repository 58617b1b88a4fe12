/**
 * The TCP transport of client streams (RFC 6120, XEP-0368): listeners, the Netty pipeline, and the adapter that
 * feeds each connection's {@link chorus.node.session.StreamSession}.
 */
package chorus.node.c2s;
