package chorus.actors.feature.push;

import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.util.List;
import java.util.Objects;

/**
 * One push registration of the account (XEP-0357 §5): the app server's JID and node, the publish-options form the
 * client gave (forwarded with every notification), and the resource of the client that enabled it, whose absence
 * or silence is what a notification reports.
 *
 * @param service        the app server (a component, a remote server's service or a local one)
 * @param node           the pubsub node on the app server that stands for the client's device
 * @param publishOptions the client's {@code pubsub#publish-options} form, or null
 * @param resource       the resource of the client that enabled it
 */
public record PushRegistration(Jid service, String node, Element publishOptions, String resource) {
    /**
     * The publish-options field by which a registration asks for the body in its notifications ({@code 1} or
     * {@code true}); without it the app server learns nothing of what was written.
     */
    public static final String BODY_FIELD = "last-message-body";

    public PushRegistration {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(resource, "resource");
    }

    /** Whether this registration is the one at this app server and node. */
    boolean is(Jid otherService, String otherNode) {
        return service.equals(otherService) && (otherNode == null || node.equals(otherNode));
    }

    /** Whether the client asked for the message body in its publish options (XEP-0357 §8: off by default). */
    boolean wantsBody() {
        if (publishOptions == null) {
            return false;
        }
        List<String> v = DataForm.values(publishOptions).getOrDefault(BODY_FIELD, List.of());
        return !v.isEmpty() && DataForm.isTrue(v.get(0));
    }

    /** The node and the publish options are the device's secrets: print the app server only. */
    @Override
    public String toString() {
        return "PushRegistration[" + service + "]";
    }
}
