package chorus.actors.feature.adhoc;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One command (XEP-0050): its node, its name in the command list, who may run it, and what it does. A command with a
 * form runs in two stages (the form, then its submission); one without runs at once.
 */
public interface AdHocCommand {

    /** The command's node, unique at the server, e.g. {@code http://jabber.org/protocol/admin#add-user}. */
    String node();

    /** Its label in the command list (XEP-0050 §2.2). */
    String name();

    /** Whether this requester may see and run it (XEP-0050 §2.2 lists only those). */
    boolean allowed(Jid requester);

    /** The data form the requester fills out first (XEP-0004, type form); null: the command runs at once. */
    Element form();

    /** Runs the command with the submitted form's values (none for a command without a form). */
    CompletionStage<Outcome> run(Jid requester, Map<String, List<String>> values);

    /** A command from its parts. */
    static AdHocCommand of(String node, String name, java.util.function.Predicate<Jid> allowed, Element form,
                           java.util.function.BiFunction<Jid, Map<String, List<String>>, CompletionStage<Outcome>> run) {
        return new AdHocCommand() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean allowed(Jid requester) {
                return allowed.test(requester);
            }

            @Override
            public Element form() {
                return form;
            }

            @Override
            public CompletionStage<Outcome> run(Jid requester, Map<String, List<String>> values) {
                return run.apply(requester, values);
            }

            @Override
            public String toString() {
                return "AdHocCommand[" + node + "]";
            }
        };
    }

    /** How a command ended. */
    sealed interface Outcome {
        /** Done: an optional result form, and notes for the requester (XEP-0050 §6.3). */
        record Completed(Element result, List<Note> notes) implements Outcome {
            public Completed {
                notes = List.copyOf(notes);
            }
        }

        /** Refused: the error the request gets (XEP-0133 §5: conflict, forbidden, bad-request...). */
        record Failed(StanzaError error) implements Outcome {
        }

        static Outcome done(String note) {
            return new Completed(null, note == null ? List.of() : List.of(Note.info(note)));
        }

        static Outcome result(Element form) {
            return new Completed(form, List.of());
        }

        static Outcome failed(StanzaError.Condition condition, String text) {
            return new Failed(StanzaError.of(condition, text));
        }
    }

    /** A note in the answer (XEP-0050 §6.3): info, warn or error, with a readable text. */
    record Note(String type, String text) {
        public static Note info(String text) {
            return new Note("info", text);
        }

        public static Note warn(String text) {
            return new Note("warn", text);
        }
    }
}
