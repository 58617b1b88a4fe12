/** Delivery-error records: who sent what kind of stanza to whom, when and why; never what it said. */
package chorus.persistence.diagnostics;
