/**
 * A client's stream session, whatever transport carries it: negotiation one phase at a time (STARTTLS where the
 * transport has it, SASL and in-band registration, resource binding, XEP-0198 resumption), then the bound session,
 * with an extension point for per-session features. Knows no Netty: a transport adapter feeds it stream events.
 */
package chorus.node.session;
