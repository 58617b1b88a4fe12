/** XEP-0388 Extensible SASL Profile (SASL2) and XEP-0386 Bind 2: the wire forms and the client's request. */
package chorus.node.sasl2;
