package chorus.actors.cluster;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.Text;
import org.apache.pekko.actor.typed.ActorRef;

import java.lang.reflect.RecordComponent;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.Map;

/**
 * A cheap upper bound of a message's size as Jackson CBOR writes it, so that only messages that may be
 * too large for a frame are serialized to be measured. Every string counts three bytes per character
 * (UTF-8's worst for a UTF-16 char) plus a header; every record component its name; every element a
 * fixed share for the field names of {@link Element}. {@link #UNKNOWN} for anything it cannot bound.
 * {@code FramesTest} checks the bound against the real serializer.
 */
public final class WireSize {
    /** Returned for values this class cannot bound: such messages are always measured exactly. */
    public static final long UNKNOWN = Long.MAX_VALUE / 4;
    static final int ELEMENT = 96;
    static final int STANZA = 192;
    static final int FIELD = 16;
    static final int REF = 512;

    private WireSize() {
    }

    /** A record class's accessors, made accessible once, and what its name and component names count. */
    private record Components(long fixed, java.lang.reflect.Method[] accessors) {
    }

    /** Looked up once per record class, not per message (the lookup was most of this class's cost, issue 18). */
    private static final ClassValue<Components> COMPONENTS = new ClassValue<>() {
        @Override
        protected Components computeValue(Class<?> type) {
            RecordComponent[] rcs = type.getRecordComponents();
            long fixed = FIELD + text(type.getSimpleName());
            java.lang.reflect.Method[] accessors = new java.lang.reflect.Method[rcs.length];
            try {
                for (int i = 0; i < rcs.length; i++) {
                    fixed += text(rcs[i].getName());
                    accessors[i] = rcs[i].getAccessor();
                    accessors[i].setAccessible(true);
                }
            } catch (RuntimeException e) {
                return null;
            }
            return new Components(fixed, accessors);
        }
    };

    /** The bound for any message made of records, stanzas, strings, numbers, collections and actor refs. */
    public static long of(Object o) {
        return of(o, 0);
    }

    private static long of(Object o, int depth) {
        if (depth > 64) {
            return UNKNOWN;
        }
        if (o == null || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>
            || o instanceof Character) {
            return FIELD;
        }
        if (o instanceof CharSequence s) {
            return text(s);
        }
        if (o instanceof Stanza s) {
            return stanza(s);
        }
        if (o instanceof Node n) {
            return node(n);
        }
        if (o instanceof ActorRef<?> || o instanceof org.apache.pekko.actor.ActorRef) {
            return REF;
        }
        if (o instanceof byte[] b) {
            return FIELD + b.length;
        }
        if (o instanceof TemporalAccessor || o instanceof java.time.Duration) {
            return 64;
        }
        if (o instanceof Collection<?> c) {
            long sum = FIELD;
            for (Object e : c) {
                sum = add(sum, of(e, depth + 1));
            }
            return sum;
        }
        if (o instanceof Map<?, ?> m) {
            long sum = FIELD;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sum = add(sum, add(of(e.getKey(), depth + 1), of(e.getValue(), depth + 1)));
            }
            return sum;
        }
        if (o.getClass().isRecord()) {
            Components components = COMPONENTS.get(o.getClass());
            if (components == null) {
                return UNKNOWN;
            }
            long sum = components.fixed();
            for (java.lang.reflect.Method accessor : components.accessors()) {
                try {
                    sum = add(sum, of(accessor.invoke(o), depth + 1));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return UNKNOWN;
                }
            }
            return sum;
        }
        return UNKNOWN;
    }

    /** A stanza: its addresses, id, type and language, and its children. */
    public static long stanza(Stanza s) {
        long sum = STANZA + text(s.id()) + text(s.lang()) + text(s.typeName())
            + text(s.from() == null ? null : s.from().toString()) + text(s.to() == null ? null : s.to().toString());
        for (Node n : s.children()) {
            sum = add(sum, node(n));
        }
        return sum;
    }

    static long node(Node n) {
        if (n instanceof Text t) {
            return FIELD + text(t.text());
        }
        Element e = (Element) n;
        long sum = ELEMENT + text(e.name()) + text(e.ns());
        for (Map.Entry<String, String> a : e.attrs().entrySet()) {
            sum += text(a.getKey()) + text(a.getValue());
        }
        for (Node c : e.children()) {
            sum = add(sum, node(c));
        }
        return sum;
    }

    static long text(CharSequence s) {
        return s == null ? FIELD : FIELD + 3L * s.length();
    }

    private static long add(long a, long b) {
        long r = a + b;
        return r < 0 || r > UNKNOWN ? UNKNOWN : r;
    }
}
