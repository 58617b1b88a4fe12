/** XEP-0077 In-Band Registration: new accounts, password change, account removal. */
package chorus.actors.feature.register;
