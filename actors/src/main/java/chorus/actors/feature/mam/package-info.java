/** XEP-0313 Message Archive Management of a user's own archive, with XEP-0441 preferences. */
package chorus.actors.feature.mam;
