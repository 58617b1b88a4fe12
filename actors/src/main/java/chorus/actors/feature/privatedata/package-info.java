/** XEP-0049 private XML storage: data only its owner can read or write. */
package chorus.actors.feature.privatedata;
