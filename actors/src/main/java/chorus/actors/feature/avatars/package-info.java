/** XEP-0398: XEP-0084 avatars in PEP and the vcard-temp PHOTO kept in sync. */
package chorus.actors.feature.avatars;
