package chorus.actors.feature.disco;

import chorus.actors.caps.CapsVerifier;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * XEP-0030 for the server (identity server/im) and for accounts (identity account/registered).
 * An account answers only its owner and contacts it shares presence with; anyone else gets
 * service-unavailable, the same answer as for an account that does not exist, so disco reveals no JIDs.
 * The server's disco#items lists its services (the chat service); it never lists users. An account with PEP
 * (XEP-0163 §6.1: its features include pubsub) also has the identity pubsub/pep, and lists its nodes in disco#items
 * and answers disco#info about each (XEP-0060 §5.2-5.3) to those who may ask it at all. The server's own disco#info
 * shows the same identity and pubsub features when its accounts have PEP: clients (Smack's OMEMO and OpenPGP
 * managers, Conversations) look for PEP there, as Prosody and ejabberd show it.
 */
public final class DiscoHandler implements IqHandler {
    public static final String INFO = "http://jabber.org/protocol/disco#info";
    public static final String ITEMS = "http://jabber.org/protocol/disco#items";
    public static final String CAPS = "http://jabber.org/protocol/caps";
    /** XEP-0115 §4: the URI naming the software in the server's caps. */
    public static final String CAPS_NODE = "urn:x-chorus:server";
    static final String PUBSUB = "http://jabber.org/protocol/pubsub";

    private final String serverName;
    private final Supplier<Set<String>> serverFeatures;
    private final Supplier<Set<String>> accountFeatures;
    private final List<String> serverItems;
    private final Supplier<List<Element>> serverForms;
    /** The verification string of the server's caps, computed once it is first needed (the features are set then). */
    private volatile String ver;

    public DiscoHandler(String serverName, Supplier<Set<String>> serverFeatures, Supplier<Set<String>> accountFeatures) {
        this(serverName, serverFeatures, accountFeatures, List.of());
    }

    /** @param serverItems the addresses of the server's services, listed in the server's disco#items */
    public DiscoHandler(String serverName, Supplier<Set<String>> serverFeatures, Supplier<Set<String>> accountFeatures,
                        List<String> serverItems) {
        this(serverName, serverFeatures, accountFeatures, serverItems, List::of);
    }

    /**
     * @param serverForms the extended information forms (XEP-0128) of the server's disco#info, as its features add
     *                    them ({@link chorus.actors.feature.Features#discoForms()})
     */
    public DiscoHandler(String serverName, Supplier<Set<String>> serverFeatures, Supplier<Set<String>> accountFeatures,
                        List<String> serverItems, Supplier<List<Element>> serverForms) {
        this.serverName = serverName;
        this.serverFeatures = serverFeatures;
        this.accountFeatures = accountFeatures;
        this.serverItems = List.copyOf(serverItems);
        this.serverForms = serverForms;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(INFO, ITEMS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.payloadIs(INFO, "query") || iq.payloadIs(ITEMS, "query");
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        if (iq.type() != Iq.Type.GET) {
            return IqResult.reply(iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST)));
        }
        if (!ctx.addressedToServer() && ctx.relation() == IqContext.Relation.STRANGER) {
            return IqResult.reply(iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE)));
        }
        Element query = iq.payload().orElseThrow();
        String node = query.attr("node");
        Set<String> nodes = ctx.addressedToServer() ? Set.of() : ctx.data().discoNodes(ctx.relation());
        if (node != null && ctx.addressedToServer() && query.ns().equals(INFO) && node.equals(capsNode())) {
            // XEP-0115 §6.2: the node#ver of the server's caps answers as the server itself, with the node.
            return IqResult.reply(iq.result(serverInfo(node)));
        }
        if (node != null) {
            // XEP-0030 §3.1: unknown node -> item-not-found.
            if (!nodes.contains(node)) {
                return IqResult.reply(iq.error(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND)));
            }
            // XEP-0060 §5.3 and §5.5: a PEP node is a leaf; its items are not listed here.
            return IqResult.reply(iq.result(query.ns().equals(ITEMS) ? DiscoReply.items(node).get()
                : DiscoReply.info(node).identity("pubsub", "leaf", null).feature(PUBSUB).get()));
        }
        if (query.ns().equals(ITEMS)) {
            DiscoReply items = DiscoReply.items();
            if (ctx.addressedToServer()) {
                serverItems.forEach(jid -> items.item(jid, null, null));
            }
            nodes.forEach(n -> items.item(ctx.account().toString(), n, null));
            return IqResult.reply(iq.result(items.get()));
        }
        if (ctx.addressedToServer()) {
            return IqResult.reply(iq.result(serverInfo(null)));
        }
        DiscoReply info = DiscoReply.info();
        Set<String> features = new TreeSet<>();
        info.identity("account", "registered", null);
        features.addAll(accountFeatures.get());
        if (features.contains(PUBSUB)) {
            info.identity("pubsub", "pep", null);
        }
        features.add(INFO);
        features.add(ITEMS);
        info.features(features);
        return IqResult.reply(iq.result(info.get()));
    }

    /** The server's disco#info answer (for {@code node}, or none). */
    private Element serverInfo(String node) {
        DiscoReply info = node == null ? DiscoReply.info() : DiscoReply.info(node);
        info.identity("server", "im", serverName);
        Set<String> features = new TreeSet<>(serverFeatures.get());
        Set<String> pep = pepFeatures();
        if (!pep.isEmpty()) {
            // XEP-0163 §6.1: the identity of a server whose accounts are PEP services.
            info.identity("pubsub", "pep", null);
            features.addAll(pep);
        }
        features.add(INFO);
        features.add(ITEMS);
        info.features(features);
        // XEP-0128 §2: forms come after the identities and features.
        serverForms.get().forEach(info::form);
        return info.get();
    }

    /** The pubsub features of the accounts (XEP-0060 §10), empty when they have no PEP. */
    private Set<String> pepFeatures() {
        Set<String> pep = new TreeSet<>();
        for (String f : accountFeatures.get()) {
            if (f.equals(PUBSUB) || f.startsWith(PUBSUB + "#")) {
                pep.add(f);
            }
        }
        return pep.contains(PUBSUB) ? pep : Set.of();
    }

    private String capsNode() {
        return CAPS_NODE + "#" + capsVer();
    }

    private String capsVer() {
        String ver = this.ver;
        if (ver == null) {
            ver = CapsVerifier.ver(serverInfo(null), "sha-1").orElseThrow();
            this.ver = ver;
        }
        return ver;
    }

    /**
     * XEP-0115 §6.3: the server's own capabilities, for its stream features, so that clients learn what it offers
     * without asking (and cache the answer by its hash). What the server offers does not change while it runs.
     */
    public Element serverCaps() {
        return Element.build("c", CAPS).attr("hash", "sha-1").attr("node", CAPS_NODE).attr("ver", capsVer()).get();
    }
}
