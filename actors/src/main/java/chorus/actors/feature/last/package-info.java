/** XEP-0012 Last Activity: when a contact was last online, and the server's uptime. */
package chorus.actors.feature.last;
