package chorus.actors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Handlers registered by message class, in order: a message goes to the first whose class is its own or a supertype
 * of it, as with Pekko's builders. Which handler a class gets is worked out once per class ({@link ClassValue}), so a
 * table shared by every actor of a kind costs each lookup one map read. Used by {@link CommandTable} and
 * {@link MessageTable}, whose tables are built once per actor class rather than once per actor.
 *
 * @param <H> the handlers' type
 */
final class ClassDispatch<H> {
    private record Case<H>(Class<?> type, H handler) {
    }

    private final List<Case<H>> cases;
    private final ClassValue<H> byClass;

    /** {@code missing} gives the handler of a class that has none. */
    ClassDispatch(List<Case<H>> cases, Function<Class<?>, H> missing) {
        this.cases = List.copyOf(cases);
        this.byClass = new ClassValue<>() {
            @Override
            protected H computeValue(Class<?> type) {
                for (Case<H> c : ClassDispatch.this.cases) {
                    if (c.type().isAssignableFrom(type)) {
                        return c.handler();
                    }
                }
                return missing.apply(type);
            }
        };
    }

    H handlerFor(Class<?> type) {
        return byClass.get(type);
    }

    /** Collects the cases, in the order they are tried. */
    static final class Cases<H> {
        private final List<Case<H>> cases = new ArrayList<>();

        void add(Class<?> type, H handler) {
            cases.add(new Case<>(type, handler));
        }

        ClassDispatch<H> build(Function<Class<?>, H> missing) {
            return new ClassDispatch<>(cases, missing);
        }
    }
}
