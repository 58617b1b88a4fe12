package chorus.actors;

import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.util.function.Function;

/**
 * The command handlers of an entity class, built once for the class instead of once for each entity. Pekko's
 * {@code newCommandHandlerBuilder()} makes a table per instance (a case object, a class predicate and a handler bound
 * to the instance for each command type): for the user and mailbox entities that was about 3 KB of every online
 * user's heap, the largest single part of it. Here each handler is given the entity it runs in, so the handlers are
 * shared and an entity's own {@link CommandHandler} is one small lambda ({@link #handlerFor}).
 *
 * <p>As with Pekko's builder, a command goes to the first handler registered for its class or a supertype of it
 * ({@link ClassDispatch}); a command with none fails the entity.
 *
 * @param <T> the entity class
 * @param <C> its commands
 * @param <E> its events
 * @param <S> its state
 */
public final class CommandTable<T, C, E, S> {

    /** A command handler of an entity class: the entity it runs in, its state, the command. */
    @FunctionalInterface
    public interface Handler<T, C, E, S> {
        Effect<E, S> apply(T entity, S state, C command);
    }

    private final ClassDispatch<Handler<T, C, E, S>> handlers;

    private CommandTable(ClassDispatch<Handler<T, C, E, S>> handlers) {
        this.handlers = handlers;
    }

    public static <T, C, E, S> Builder<T, C, E, S> builder() {
        return new Builder<>();
    }

    /** Handles {@code command} as {@code entity}'s. */
    public Effect<E, S> apply(T entity, S state, C command) {
        return handlers.handlerFor(command.getClass()).apply(entity, state, command);
    }

    /** The command handler of one entity. */
    public CommandHandler<C, E, S> handlerFor(T entity) {
        return (state, command) -> apply(entity, state, command);
    }

    /** Collects the handlers, in the order they are tried. */
    public static final class Builder<T, C, E, S> {
        private final ClassDispatch.Cases<Handler<T, C, E, S>> cases = new ClassDispatch.Cases<>();

        private Builder() {
        }

        /** Handles commands of {@code type} (and its subtypes) with {@code handler}. */
        @SuppressWarnings("unchecked")
        public <K extends C> Builder<T, C, E, S> on(Class<K> type, Handler<T, K, E, S> handler) {
            cases.add(type, (Handler<T, C, E, S>) (Handler<T, ?, E, S>) handler);
            return this;
        }

        /**
         * The handlers of a part of the entity (an object the entity holds): each gets the part instead of the
         * entity, so a part registers its own methods ({@code Part::method}).
         */
        public <P> Part<T, P, C, E, S> part(Function<T, P> part) {
            return new Part<>(this, part);
        }

        public CommandTable<T, C, E, S> build() {
            return new CommandTable<>(cases.build(type -> (entity, state, command) -> {
                throw new IllegalStateException("no handler for command " + type.getName() + " in "
                    + entity.getClass().getSimpleName());
            }));
        }
    }

    /** Registers the handlers of one part of the entity; see {@link Builder#part}. */
    public static final class Part<T, P, C, E, S> {
        private final Builder<T, C, E, S> builder;
        private final Function<T, P> part;

        private Part(Builder<T, C, E, S> builder, Function<T, P> part) {
            this.builder = builder;
            this.part = part;
        }

        public <K extends C> Part<T, P, C, E, S> on(Class<K> type, Handler<P, K, E, S> handler) {
            builder.on(type, (T entity, S state, K command) -> handler.apply(part.apply(entity), state, command));
            return this;
        }
    }
}
