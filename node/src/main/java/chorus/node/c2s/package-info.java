/** Client-to-server connections (RFC 6120): listeners, the pipeline, and the session actor per connection. */
package chorus.node.c2s;
