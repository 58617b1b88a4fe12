/** XEP-0133 Service Administration: the server's admin commands, run over XEP-0050 by the configured admins. */
package chorus.actors.feature.admin;
