package chorus.actors.session;

/**
 * Everything a client session actor receives. The transport module adds its local commands as
 * further implementations; {@link SessionMessage} is the part that crosses the cluster.
 */
public interface SessionInput {
}
