/** The directory of account names, for the admin only (users are never listed to users). */
package chorus.persistence.accounts;
