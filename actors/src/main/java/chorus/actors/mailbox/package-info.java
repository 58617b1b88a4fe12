/** XEP-0160 offline messages: a persistent mailbox per user that forgets after the retention (72 h). */
package chorus.actors.mailbox;
