/** TLS for every connection (RFC 6120 §5, XEP-0368): certificates, keys and Netty SSL contexts. */
package chorus.node.tls;
