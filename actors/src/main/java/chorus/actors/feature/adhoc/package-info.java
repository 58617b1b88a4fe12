/** XEP-0050 Ad-Hoc Commands: commands of the server, listed in service discovery and run in sessions. */
package chorus.actors.feature.adhoc;
