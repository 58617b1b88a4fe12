/** Account credentials: salted SCRAM keys (RFC 5802, RFC 7677), never a password. Pure Java. */
package chorus.actors.account;
