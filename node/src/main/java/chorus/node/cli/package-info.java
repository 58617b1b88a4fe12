/** Command lines: the node's main and chorusctl, the admin's tool. */
package chorus.node.cli;
