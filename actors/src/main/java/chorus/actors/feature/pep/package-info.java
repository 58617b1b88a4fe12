/** XEP-0163 Personal Eventing Protocol: the account's own publish-subscribe nodes (a subset of XEP-0060). */
package chorus.actors.feature.pep;
