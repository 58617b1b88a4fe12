/** XEP-0030 Service Discovery: what the server and an account support; never a list of users. */
package chorus.actors.feature.disco;
