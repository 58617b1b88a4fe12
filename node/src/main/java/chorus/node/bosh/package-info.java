/**
 * XEP-0124 BOSH and XEP-0206 XMPP over BOSH: the {@code /http-bind} route of the HTTP listener, the BOSH session
 * (the transport of one client stream, held requests, request ids) and the routing of a request to the node that
 * holds its session.
 */
package chorus.node.bosh;
