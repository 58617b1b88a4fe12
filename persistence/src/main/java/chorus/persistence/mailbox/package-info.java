/** The offline mailboxes' journal rows, beyond what the Pekko plugin does with them. */
package chorus.persistence.mailbox;
