package chorus.actors.feature;

import chorus.actors.xmpp.Element;

import java.util.List;

/**
 * A feature's part of an account in a portable export (XEP-0227), and how an import builds it again: from the
 * requests the owner would have sent, answered by the feature's own request handling, so that an imported account
 * holds exactly what the server would have built (the same checks and limits, the same events).
 */
public interface Portable {

    /** A feature that keeps nothing worth carrying. */
    Portable NONE = new Portable() {
        @Override
        public List<Element> export(AccountData data) {
            return List.of();
        }

        @Override
        public List<Element> requests(Element child) {
            return List.of();
        }
    };

    /** This feature's children of the account's {@code <user/>} element, from the account as it is. */
    List<Element> export(AccountData data);

    /**
     * The payloads of the {@code <iq type='set'/>} requests, from the owner, that build this child of a
     * {@code <user/>} again, in order; none when the child is not this feature's.
     */
    List<Element> requests(Element child);

    /** What of {@code child} its {@link #requests} do not carry, in words for the admin (never a value). */
    default List<String> leftOut(Element child) {
        return List.of();
    }
}
