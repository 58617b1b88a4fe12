/** Chorus actors: the XMPP model, the features and the sharded entities. Nothing here knows about Netty. */
package chorus.actors;
