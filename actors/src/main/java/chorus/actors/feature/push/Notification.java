package chorus.actors.feature.push;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;

import java.util.List;
import java.util.Set;

/**
 * What XEP-0357 sends: which messages are worth waking a device for, and the notification itself, a pubsub
 * publish to the registration's node (§7) carrying the {@code urn:xmpp:push:summary} form and, as given, the
 * client's publish options.
 */
final class Notification {
    static final String NS = "urn:xmpp:push:0";
    static final String SUMMARY = "urn:xmpp:push:summary";
    static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    static final String PUBLISH_OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";
    /** End-to-end encrypted payloads (OMEMO 0.3 and 0.8+, XEP-0373 OpenPGP, legacy OpenPGP): no body, still a message. */
    private static final Set<String> ENCRYPTED = Set.of("eu.siacs.conversations.axolotl", "urn:xmpp:omemo:2",
        "urn:xmpp:openpgp:0", "jabber:x:encrypted");

    private Notification() {
    }

    /**
     * Whether a message is worth a notification: one a person wrote, with a body or end-to-end encrypted (what the
     * XEP-0357 implementations notify for); not errors, headlines, chat states or receipts alone.
     */
    static boolean counts(Message m) {
        if (m.type() == Message.Type.ERROR || m.type() == Message.Type.HEADLINE) {
            return false;
        }
        String body = m.body();
        if (body != null && !body.isBlank()) {
            return true;
        }
        for (Node n : m.children()) {
            if (n instanceof Element e && ENCRYPTED.contains(e.ns())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The publish request of §7: the summary (message count, last sender, the last body only when {@code body} is
     * not null), and the registration's publish options.
     */
    static Iq publish(BareJid account, PushRegistration r, String id, int count, Jid lastSender, String body) {
        DataForm.Builder form = DataForm.build("submit", SUMMARY)
            .field("message-count", null, null, Integer.toString(count));
        if (lastSender != null) {
            form.field("last-message-sender", null, null, lastSender.toString());
        }
        if (body != null) {
            form.field("last-message-body", null, null, body);
        }
        Element notification = Element.build("notification", NS).child(form.get()).get();
        Element publish = Element.build("publish", PUBSUB).attr("node", r.node())
            .child(Element.build("item", PUBSUB).child(notification).get()).get();
        Element.Builder pubsub = Element.build("pubsub", PUBSUB).child(publish);
        if (r.publishOptions() != null) {
            pubsub.child(Element.build("publish-options", PUBSUB).child(r.publishOptions()).get());
        }
        return Iq.of(account, r.service(), id, Iq.Type.SET, pubsub.get());
    }

    /**
     * The publish-options form of an {@code <enable/>}, if it has one (§5): FORM_TYPE {@code pubsub#publish-options}
     * or none given; a form of another kind is no such form.
     */
    static Element options(Element enable) {
        for (Element x : enable.elements("x", DataForm.NS)) {
            List<String> formType = DataForm.values(x).get("FORM_TYPE");
            if (formType == null || formType.contains(PUBLISH_OPTIONS)) {
                return x;
            }
        }
        return null;
    }
}
