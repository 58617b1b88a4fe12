/** XEP-0191 Blocking Command. */
package chorus.actors.feature.blocking;
