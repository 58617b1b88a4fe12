/** XEP-0054 vcard-temp: the owner sets its vCard; anyone may read it. */
package chorus.actors.feature.vcard;
