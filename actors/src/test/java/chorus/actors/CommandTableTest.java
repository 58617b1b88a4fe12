package chorus.actors;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTableTest {

    interface Cmd {
    }

    record Ping(String text) implements Cmd {
    }

    interface Feature extends Cmd {
    }

    record FeatureA() implements Feature {
    }

    record FeatureB() implements Feature {
    }

    record Unknown() implements Cmd {
    }

    /** An entity with a part, as the user entity holds its resources. */
    static final class Entity {
        final String name;
        final Part part;
        final List<String> seen = new ArrayList<>();

        Entity(String name) {
            this.name = name;
            this.part = new Part(this);
        }

        Part part() {
            return part;
        }
    }

    static final class Part {
        final Entity owner;

        Part(Entity owner) {
            this.owner = owner;
        }

        Void onPing(String state, Ping c) {
            owner.seen.add("part " + owner.name + " " + state + " " + c.text());
            return null;
        }
    }

    private static CommandTable<Entity, Cmd, Object, String> table() {
        CommandTable.Builder<Entity, Cmd, Object, String> b = CommandTable.builder();
        b.part(Entity::part).on(Ping.class, (p, s, c) -> {
            p.onPing(s, c);
            return null;
        });
        b.on(FeatureB.class, (e, s, c) -> {
            e.seen.add("B exactly");
            return null;
        });
        b.on(Feature.class, (e, s, c) -> {
            e.seen.add("feature " + c.getClass().getSimpleName());
            return null;
        });
        return b.build();
    }

    @Test
    void oneTableServesEveryEntityEachGetsItsOwnCommands() {
        CommandTable<Entity, Cmd, Object, String> t = table();
        Entity alice = new Entity("alice");
        Entity bob = new Entity("bob");
        t.handlerFor(alice).apply("s1", new Ping("hi"));
        t.handlerFor(bob).apply("s2", new Ping("yo"));
        t.apply(alice, "s3", new Ping("again"));

        assertEquals(List.of("part alice s1 hi", "part alice s3 again"), alice.seen);
        assertEquals(List.of("part bob s2 yo"), bob.seen);
    }

    @Test
    void aCommandGoesToTheFirstHandlerOfItsClassOrASupertype() {
        CommandTable<Entity, Cmd, Object, String> t = table();
        Entity e = new Entity("e");
        t.apply(e, "s", new FeatureA());
        t.apply(e, "s", new FeatureB());
        t.apply(e, "s", new FeatureA());

        assertEquals(List.of("feature FeatureA", "B exactly", "feature FeatureA"), e.seen);

        CommandTable.Builder<Entity, Cmd, Object, String> supertypeFirst = CommandTable.builder();
        supertypeFirst.on(Feature.class, (x, s, c) -> {
            x.seen.add("supertype");
            return null;
        });
        supertypeFirst.on(FeatureB.class, (x, s, c) -> {
            x.seen.add("never");
            return null;
        });
        Entity f = new Entity("f");
        supertypeFirst.build().apply(f, "s", new FeatureB());
        assertEquals(List.of("supertype"), f.seen);
    }

    @Test
    void aCommandWithoutAHandlerFailsTheEntityNamingIt() {
        CommandTable<Entity, Cmd, Object, String> t = table();
        IllegalStateException failed = assertThrows(IllegalStateException.class,
            () -> t.apply(new Entity("e"), "s", new Unknown()));
        assertTrue(failed.getMessage().contains(Unknown.class.getName()), failed.getMessage());
    }
}
