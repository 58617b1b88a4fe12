/** The Chorus process: listeners, TLS, the XML stream, SASL, stream negotiation, admin API and CLI. */
package chorus.node;
