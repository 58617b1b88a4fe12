/** Creating the test accounts: Chorus's admin API in bulk, or in-band registration (XEP-0077). */
package chorus.loadtest.provision;
