package chorus.actors.xmpp;

import java.util.Objects;

/** Character data, unescaped. */
public record Text(String text) implements Node {
    public Text {
        Objects.requireNonNull(text, "text");
    }

    /** Text can be a message body: never print it. */
    @Override
    public String toString() {
        return "Text[" + text.length() + " chars]";
    }
}
