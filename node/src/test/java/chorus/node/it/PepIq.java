package chorus.node.it;

import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.Jid;

/**
 * XEP-0060 requests Smack 4.4.8's PubSubManager cannot write (publish-options, §7.1.5), or whose error the tests
 * read whole: the pubsub element is written as it goes on the wire.
 */
final class PepIq {
    static final String NS = "http://jabber.org/protocol/pubsub";
    static final String ERRORS = NS + "#errors";

    private PepIq() {
    }

    /** Sends {@code <pubsub xmlns=ns>inner</pubsub>} to {@code to} and returns the result (or throws its error). */
    static IQ send(XMPPTCPConnection c, Jid to, IQ.Type type, String ns, String inner) throws Exception {
        IQ iq = new IQ("pubsub", ns) {
            @Override
            protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                xml.rightAngleBracket();
                xml.append(inner);
                return xml;
            }
        };
        iq.setType(type);
        iq.setTo(to);
        return c.createStanzaCollectorAndSend(iq).nextResultOrThrow();
    }

    /** A publish of one item with publish-options (var, value pairs) to the sender's own PEP service. */
    static IQ publish(XMPPTCPConnection c, String node, String id, String payload, String... options) throws Exception {
        StringBuilder form = new StringBuilder();
        if (options.length > 0) {
            form.append("<publish-options><x xmlns='jabber:x:data' type='submit'>")
                .append("<field var='FORM_TYPE' type='hidden'><value>").append(NS).append("#publish-options</value></field>");
            for (int i = 0; i + 1 < options.length; i += 2) {
                form.append("<field var='").append(options[i]).append("'><value>").append(options[i + 1])
                    .append("</value></field>");
            }
            form.append("</x></publish-options>");
        }
        return send(c, c.getUser().asBareJid(), IQ.Type.set, NS, "<publish node='" + node + "'><item id='" + id + "'>"
            + payload + "</item></publish>" + form);
    }

    /** The items of {@code owner}'s node as {@code c} gets them: the result's XML. */
    static String items(XMPPTCPConnection c, Jid owner, String node) throws Exception {
        return send(c, owner, IQ.Type.get, NS, "<items node='" + node + "'/>").toXML().toString();
    }

    /** The error a request got: its condition, and its pubsub#errors condition (null when none). */
    record Refusal(StanzaError.Condition condition, String app) {
        static Refusal of(XMPPErrorException e) {
            StanzaError error = e.getStanzaError();
            java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<([a-z-]+) xmlns=['\"]" + java.util.regex.Pattern.quote(ERRORS) + "['\"]")
                .matcher(error.toXML().toString());
            return new Refusal(error.getCondition(), m.find() ? m.group(1) : null);
        }
    }

    /** The refusal of a request that must fail. */
    static Refusal refusal(Request r) throws Exception {
        try {
            r.run();
        } catch (XMPPErrorException e) {
            return Refusal.of(e);
        }
        throw new AssertionError("the request was not refused");
    }

    interface Request {
        void run() throws Exception;
    }

    /** What one connection does in an attack; {@code n} is its index. */
    interface Attack {
        void run(XMPPTCPConnection c, int n) throws Exception;
    }

    /** Runs {@code attack} on every connection at once and waits for all of them (their failures fail the test). */
    static void together(java.util.List<XMPPTCPConnection> connections, Attack attack) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(connections.size());
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < connections.size(); i++) {
                XMPPTCPConnection c = connections.get(i);
                int n = i;
                done.add(pool.submit(() -> {
                    attack.run(c, n);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
