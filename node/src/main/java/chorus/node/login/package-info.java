/** Logins under attack (issue 14): failed logins slowed and refused per account and source, the password-hashing pool. */
package chorus.node.login;
