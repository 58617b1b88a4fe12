/**
 * XMPP streams over TCP, whoever is at the other end (client, server, component): the transport a stream actor
 * writes through ({@link chorus.node.tcp.TcpConnection}), STARTTLS either way, and the stage that feeds the actor.
 */
package chorus.node.tcp;
