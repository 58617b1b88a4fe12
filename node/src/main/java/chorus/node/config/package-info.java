/** The node's settings, read once from HOCON and the environment, validated at start. */
package chorus.node.config;
