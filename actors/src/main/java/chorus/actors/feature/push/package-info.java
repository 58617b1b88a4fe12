/**
 * XEP-0357 Push Notifications: a client enables push to an app server; when a message arrives that its client
 * cannot read now, the app server gets a summary, never the body unless the registration asks for it.
 */
package chorus.actors.feature.push;
