package chorus.actors.user;

import chorus.actors.cluster.Frame;

/**
 * A piece of a command too large for one cluster frame (a stanza with a big payload, routed to this
 * account from another node): the entity puts the pieces together and handles the whole command.
 */
public record FramedCommand(Frame frame) implements UserEntity.Command {
}
