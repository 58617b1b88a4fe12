/** XEP-0401 Easy User Onboarding, XEP-0445 Pre-Authenticated In-Band Registration, XEP-0379 roster invites. */
package chorus.actors.feature.invite;
