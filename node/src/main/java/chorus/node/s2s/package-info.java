/**
 * Server-to-server federation (RFC 6120 s2s): finding a peer's listeners (DNS SRV, RFC 6120 §3.2.1 and
 * XEP-0368), TLS and the peer certificate checks of RFC 6125, the choice between SASL EXTERNAL
 * (XEP-0178) and Server Dialback (XEP-0220) with keys after XEP-0185.
 */
package chorus.node.s2s;
