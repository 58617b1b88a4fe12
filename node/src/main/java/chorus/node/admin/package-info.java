/** The admin API that chorusctl talks to: loopback only, token-protected, never lists users to users. */
package chorus.node.admin;
