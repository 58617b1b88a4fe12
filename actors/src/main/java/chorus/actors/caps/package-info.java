/** XEP-0115 Entity Capabilities: what a resource's caps say, checked against its disco#info. */
package chorus.actors.caps;
