/** XEP-0157 Contact Addresses for XMPP Services: whom to write about abuse, security, support, in the server's disco#info. */
package chorus.actors.feature.contact;
