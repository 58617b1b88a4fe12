/** XEP-0045 Multi-User Chat: the chat service of the domain and its rooms, one sharded entity per room. */
package chorus.actors.muc;
