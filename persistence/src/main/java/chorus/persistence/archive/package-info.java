/** The users' message archives (XEP-0313 storage): rows that expire with the archive retention. */
package chorus.persistence.archive;
