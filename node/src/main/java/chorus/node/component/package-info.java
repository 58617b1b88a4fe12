/** XEP-0114 Jabber Component Protocol: external components at their own domains (accept mode). */
package chorus.node.component;
