/** Where a stanza goes: a local account's entity, the server itself, or another domain. */
package chorus.actors.router;
