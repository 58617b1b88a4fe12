/** The user's entity: account state (persisted), online resources (live), and RFC 6121 delivery. */
package chorus.actors.user;
