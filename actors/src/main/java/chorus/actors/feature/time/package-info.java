/** XEP-0202 Entity Time. */
package chorus.actors.feature.time;
