/** RFC 7395 XMPP over WebSocket: the {@code /xmpp-websocket} route of the HTTP listener and its transport. */
package chorus.node.websocket;
