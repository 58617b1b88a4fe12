/** XEP-0060 Publish-Subscribe: the server's pubsub service at pubsub.DOMAIN. */
package chorus.actors.pubsub;
