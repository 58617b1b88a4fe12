/** What a user's entity tells a client session (on whichever node holds its connection). */
package chorus.actors.session;
