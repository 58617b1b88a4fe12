package chorus.actors;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class MessageTableTest {

    interface Msg {
    }

    record Hello(String who) implements Msg {
    }

    enum Tick implements Msg { INSTANCE }

    record Other() implements Msg {
    }

    /** Stands for an actor with a part, as a stream session holds its phases. */
    static final class Actor {
        final String name;
        final Part part = new Part();
        final List<String> seen = new ArrayList<>();
        final Behavior<Msg> stopped = Behaviors.stopped();

        Actor(String name) {
            this.name = name;
        }

        Part part() {
            return part;
        }

        final class Part {
            Behavior<Msg> onTick() {
                seen.add(name + " tick");
                return Behaviors.same();
            }
        }
    }

    private static final MessageTable<Actor, Msg> TABLE = table();

    private static MessageTable<Actor, Msg> table() {
        MessageTable.Builder<Actor, Msg> b = MessageTable.<Actor, Msg>builder()
            .on(Hello.class, (a, m) -> {
                a.seen.add(a.name + " hello " + m.who());
                return Behaviors.same();
            })
            .onSignal(PostStop.class, (a, s) -> {
                a.seen.add(a.name + " stopped");
                return a.stopped;
            });
        b.part(Actor::part).on(Tick.class, (p, m) -> p.onTick());
        return b.build();
    }

    @Test
    void eachActorsReceiveHandsItsOwnMessagesToTheSharedHandlers() throws Exception {
        Actor one = new Actor("one");
        Actor two = new Actor("two");
        Receive<Msg> r1 = TABLE.receiveFor(one);
        Receive<Msg> r2 = TABLE.receiveFor(two);

        r1.receiveMessage(new Hello("a"));
        r2.receiveMessage(Tick.INSTANCE);
        r1.receiveMessage(Tick.INSTANCE);
        assertSame(one.stopped, r1.receiveSignal(PostStop.instance()));

        assertEquals(List.of("one hello a", "one tick", "one stopped"), one.seen);
        assertEquals(List.of("two tick"), two.seen);
    }

    @Test
    void messagesAndSignalsWithoutAHandlerAreUnhandled() throws Exception {
        Actor a = new Actor("a");
        Receive<Msg> r = TABLE.receiveFor(a);

        assertSame(Behaviors.unhandled(), r.receiveMessage(new Other()));
        assertSame(Behaviors.unhandled(), r.receiveSignal(PreRestart.instance()));
        assertEquals(List.of(), a.seen);
    }
}
