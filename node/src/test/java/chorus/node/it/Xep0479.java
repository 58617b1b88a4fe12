package chorus.node.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The server rows of XEP-0479 (XMPP Compliance Suites 2023, §2): for each requirement, whether the Server and the
 * Advanced Server levels need it and how a client sees that a server offers it (the probe). Client-only rows (N/A for
 * servers) are left out. ComplianceIT probes a real node and renders the README's table from this list.
 */
final class Xep0479 {
    private Xep0479() {
    }

    enum Need { YES, NO, NA;
        String cell() {
            return this == YES ? "required" : this == NO ? "—" : "n/a";
        }
    }

    /** How a client sees the feature; {@link #describe()} is the README's "advertised as" cell. */
    sealed interface Probe {
        String describe();
    }

    record ServerFeature(String var) implements Probe {
        public String describe() {
            return "`" + var + "` in the server's disco#info";
        }
    }

    record AccountFeature(String var) implements Probe {
        public String describe() {
            return "`" + var + "` in the account's disco#info";
        }
    }

    record AccountIdentity(String category, String type) implements Probe {
        public String describe() {
            return "identity " + category + "/" + type + " in the account's disco#info";
        }
    }

    record ServiceFeature(String var) implements Probe {
        public String describe() {
            return "`" + var + "` in the disco#info of a service in the server's disco#items";
        }
    }

    record StreamFeature(String element, String ns) implements Probe {
        public String describe() {
            return "`<" + element + " xmlns='" + ns + "'/>` in the stream features";
        }
    }

    record HostMeta(String rel) implements Probe {
        public String describe() {
            return "`" + rel + "` in `/.well-known/host-meta`";
        }
    }

    /** Something a client finds out by using it (a login over STARTTLS, a direct TLS port, a component handshake). */
    record Works(String what) implements Probe {
        public String describe() {
            return what;
        }
    }

    record All(List<Probe> probes) implements Probe {
        public String describe() {
            return probes.stream().map(Probe::describe).collect(Collectors.joining("; "));
        }
    }

    record Requirement(String suite, String feature, String providers, Need server, Need advanced, Probe probe,
                       String note) {
    }

    static final Works LOGIN = new Works("sign-in with SASL and resource binding");
    static final Works STARTTLS = new Works("STARTTLS required and done");
    static final Works DIRECT_TLS = new Works("TLS handshake and stream features on the direct TLS port");
    static final Works COMPONENT = new Works("XEP-0114 handshake of a configured component");
    static final Works ROSTER = new Works("roster retrieval");

    static final List<Requirement> ROWS = List.of(
        new Requirement("Core", "Core features", "RFC 6120", Need.YES, Need.YES, LOGIN, ""),
        new Requirement("Core", "TLS", "RFC 7590", Need.YES, Need.YES, STARTTLS, ""),
        new Requirement("Core", "Direct TLS", "XEP-0368", Need.NO, Need.YES, DIRECT_TLS, ""),
        new Requirement("Core", "Feature discovery", "XEP-0030", Need.YES, Need.YES,
            new ServerFeature("http://jabber.org/protocol/disco#info"), ""),
        new Requirement("Core", "Feature broadcasts", "XEP-0115", Need.NO, Need.YES,
            new StreamFeature("c", "http://jabber.org/protocol/caps"),
            "the server's own, node urn:x-chorus:server, after authentication"),
        new Requirement("Core", "Server extensibility", "XEP-0114", Need.YES, Need.YES, COMPONENT, ""),
        new Requirement("Core", "Event publishing", "XEP-0163", Need.NO, Need.YES, new AccountIdentity("pubsub", "pep"), ""),
        new Requirement("Web", "Web connection mechanisms", "RFC 7395, XEP-0206", Need.YES, Need.YES,
            new All(List.of(new HostMeta("urn:xmpp:alt-connections:websocket"),
                new HostMeta("urn:xmpp:alt-connections:xbosh"))), ""),
        new Requirement("Web", "Connection mechanism discovery", "XEP-0156", Need.NO, Need.NA,
            new HostMeta("urn:xmpp:alt-connections:websocket"), ""),
        new Requirement("IM", "Core features", "RFC 6121", Need.YES, Need.YES, ROSTER, ""),
        new Requirement("IM", "User avatar compatibility", "XEP-0398, XEP-0153", Need.NO, Need.YES,
            new AccountFeature("urn:xmpp:pep-vcard-conversion:0"), "advertised on the account, where clients look"),
        new Requirement("IM", "vcard-temp", "XEP-0054", Need.YES, Need.YES, new ServerFeature("vcard-temp"), ""),
        new Requirement("IM", "Outbound message synchronization", "XEP-0280", Need.YES, Need.YES,
            new ServerFeature("urn:xmpp:carbons:2"), ""),
        new Requirement("IM", "User blocking", "XEP-0191", Need.NO, Need.YES, new ServerFeature("urn:xmpp:blocking"), ""),
        new Requirement("IM", "Group chat", "XEP-0045, XEP-0249", Need.YES, Need.YES,
            new ServiceFeature("http://jabber.org/protocol/muc"), ""),
        new Requirement("IM", "Advanced group chat", "XEP-0048, XEP-0313 (rooms), XEP-0402, XEP-0410", Need.NO, Need.YES,
            new All(List.of(new AccountFeature("urn:xmpp:bookmarks:1#compat"), new ServiceFeature("urn:xmpp:mam:2"),
                new ServiceFeature("http://jabber.org/protocol/muc#self-ping-optimization"))), ""),
        new Requirement("IM", "Persistent storage of private data via PubSub", "XEP-0223", Need.NO, Need.YES,
            new AccountFeature("http://jabber.org/protocol/pubsub#publish-options"), ""),
        new Requirement("IM", "Private XML storage", "XEP-0049", Need.NO, Need.YES, new ServerFeature("jabber:iq:private"), ""),
        new Requirement("IM", "Stream management", "XEP-0198", Need.NO, Need.YES, new StreamFeature("sm", "urn:xmpp:sm:3"), ""),
        new Requirement("IM", "History storage / retrieval", "XEP-0313", Need.NO, Need.YES,
            new AccountFeature("urn:xmpp:mam:2"), ""),
        new Requirement("IM", "File upload", "XEP-0363", Need.YES, Need.YES, new ServiceFeature("urn:xmpp:http:upload:0"), ""),
        new Requirement("Mobile", "Stream management", "XEP-0198", Need.YES, Need.YES,
            new StreamFeature("sm", "urn:xmpp:sm:3"), ""),
        new Requirement("Mobile", "Client state indication", "XEP-0352", Need.YES, Need.YES,
            new StreamFeature("csi", "urn:xmpp:csi:0"), ""),
        new Requirement("Mobile", "Third party push notifications", "XEP-0357", Need.NO, Need.YES,
            new AccountFeature("urn:xmpp:push:0"), ""),
        new Requirement("A/V calling", "STUN/TURN server discovery", "XEP-0215", Need.YES, Need.YES,
            new ServerFeature("urn:xmpp:extdisco:2"), "once `chorus.extdisco.services` lists a server"));

    static final List<String> SUITES = List.of("Core", "Web", "IM", "Mobile", "A/V calling");

    /** The README section: the table and, per suite, which levels are met (XEP-0479 §2: Core's rows count for all). */
    static String render(Map<Requirement, Boolean> met) {
        StringBuilder out = new StringBuilder();
        out.append("| Suite | Feature | Providers | Server | Advanced Server | How a client sees it | Chorus |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Requirement r : ROWS) {
            out.append("| ").append(r.suite()).append(" | ").append(r.feature()).append(" | ").append(r.providers())
                .append(" | ").append(r.server().cell()).append(" | ").append(r.advanced().cell()).append(" | ")
                .append(r.probe().describe()).append(" | ").append(met.get(r) ? "yes" : "no")
                .append(r.note().isEmpty() ? "" : " (" + r.note() + ")").append(" |\n");
        }
        out.append('\n');
        for (String suite : SUITES) {
            out.append("- ").append(suite).append(": ")
                .append(level(met, suite, Requirement::server, "Server")).append("; ")
                .append(level(met, suite, Requirement::advanced, "Advanced Server")).append('\n');
        }
        return out.toString();
    }

    private static String level(Map<Requirement, Boolean> met, String suite,
                                java.util.function.Function<Requirement, Need> need, String name) {
        Predicate<Requirement> counts = r -> (r.suite().equals(suite) || r.suite().equals("Core"))
            && need.apply(r) == Need.YES;
        List<String> missing = new ArrayList<>();
        for (Requirement r : ROWS) {
            if (counts.test(r) && !met.get(r)) {
                missing.add(r.feature() + (r.suite().equals(suite) ? "" : " (" + r.suite() + ")"));
            }
        }
        return missing.isEmpty() ? name + " **met**" : name + " not met (missing: " + String.join(", ", missing) + ")";
    }
}
