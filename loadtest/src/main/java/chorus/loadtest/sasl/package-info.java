/** Client-side SASL: SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) and PLAIN (RFC 4616). */
package chorus.loadtest.sasl;
