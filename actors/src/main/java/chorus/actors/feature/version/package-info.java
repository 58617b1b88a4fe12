/** XEP-0092 Software Version. */
package chorus.actors.feature.version;
