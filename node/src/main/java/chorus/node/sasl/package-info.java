/** The server side of SASL (RFC 6120 §6): SCRAM-SHA-1/-256 (RFC 5802, RFC 7677) and PLAIN (RFC 4616). */
package chorus.node.sasl;
