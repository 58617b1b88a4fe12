package chorus.actors;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.util.function.Function;

/**
 * The message and signal handlers of an actor class ({@code AbstractBehavior}), built once for the class instead of
 * once per actor by {@code newReceiveBuilder()}: each handler is given the actor it runs in, so an actor's own
 * {@link Receive} ({@link #receiveFor}) is one small object. For an actor of which there is one per client stream,
 * Pekko's per-actor table (a case, a predicate and a bound handler per message type) was ~2 KB of every session.
 * A message goes to the first handler of its class or a supertype ({@link ClassDispatch}); a message or signal with
 * none is unhandled, as with Pekko's builder. Singletons ({@code enum X { INSTANCE }}) are matched by their class.
 *
 * @param <T> the actor class
 * @param <M> its messages
 */
public final class MessageTable<T, M> {

    /** A handler of an actor class: the actor it runs in, the message. */
    @FunctionalInterface
    public interface Handler<T, K, M> {
        Behavior<M> apply(T actor, K message) throws Exception;
    }

    private final ClassDispatch<Handler<T, Object, M>> messages;
    private final ClassDispatch<Handler<T, Object, M>> signals;

    private MessageTable(ClassDispatch<Handler<T, Object, M>> messages, ClassDispatch<Handler<T, Object, M>> signals) {
        this.messages = messages;
        this.signals = signals;
    }

    public static <T, M> Builder<T, M> builder() {
        return new Builder<>();
    }

    /** The {@link Receive} of one actor. */
    public Receive<M> receiveFor(T actor) {
        return new Receive<>() {
            @Override
            public Behavior<M> receiveMessage(M message) throws Exception {
                return messages.handlerFor(message.getClass()).apply(actor, message);
            }

            @Override
            public Behavior<M> receiveSignal(Signal signal) throws Exception {
                return signals.handlerFor(signal.getClass()).apply(actor, signal);
            }
        };
    }

    /** Collects the handlers, in the order they are tried. */
    public static final class Builder<T, M> {
        private final ClassDispatch.Cases<Handler<T, Object, M>> messages = new ClassDispatch.Cases<>();
        private final ClassDispatch.Cases<Handler<T, Object, M>> signals = new ClassDispatch.Cases<>();

        private Builder() {
        }

        /** Handles messages of {@code type} (and its subtypes). */
        @SuppressWarnings("unchecked")
        public <K extends M> Builder<T, M> on(Class<K> type, Handler<T, K, M> handler) {
            messages.add(type, (Handler<T, Object, M>) (Handler<T, ?, M>) handler);
            return this;
        }

        /** Handles signals of {@code type}, such as {@code PostStop}. */
        @SuppressWarnings("unchecked")
        public <K extends Signal> Builder<T, M> onSignal(Class<K> type, Handler<T, K, M> handler) {
            signals.add(type, (Handler<T, Object, M>) (Handler<T, ?, M>) handler);
            return this;
        }

        /** The handlers of a part of the actor (an object it holds), each given the part. */
        public <P> Part<T, P, M> part(Function<T, P> part) {
            return new Part<>(this, part);
        }

        public MessageTable<T, M> build() {
            Function<Class<?>, Handler<T, Object, M>> unhandled = type -> (actor, message) -> Behaviors.unhandled();
            return new MessageTable<>(messages.build(unhandled), signals.build(unhandled));
        }
    }

    /** Registers the handlers of one part of the actor; see {@link Builder#part}. */
    public static final class Part<T, P, M> {
        private final Builder<T, M> builder;
        private final Function<T, P> part;

        private Part(Builder<T, M> builder, Function<T, P> part) {
            this.builder = builder;
            this.part = part;
        }

        public <K extends M> Part<T, P, M> on(Class<K> type, Handler<P, K, M> handler) {
            builder.on(type, (T actor, K message) -> handler.apply(part.apply(actor), message));
            return this;
        }
    }
}
