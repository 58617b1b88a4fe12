package chorus.actors.user;

import chorus.actors.account.PortableCredentials;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.Decision;
import chorus.actors.feature.Portable;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.RosterLimits;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The account in XEP-0227's portable format. Export: the children of its {@code <user/>} (the SCRAM keys, the roster
 * and the pending inbound subscription requests of the core, then each feature's part), a page at a time. Import: the
 * core's part as the events the roster would hold, each feature's part as the requests the owner would have sent,
 * answered by the feature itself; only the events persist (no answer, push or notification goes out, since no
 * client asked). What is not carried is named in the notes.
 */
final class Portability {
    /** A page of an export or a part of an import stays well under the cluster's frame size (1 MiB). */
    static final int PAGE_WEIGHT = 200_000;

    private final UserEntity entity;
    private final EntityContext features;
    private final RosterLimits limits;

    Portability(UserEntity entity, EntityContext features) {
        this.entity = entity;
        this.features = features;
        this.limits = entity.deps().settings().rosterLimits();
    }

    static void handle(UserEntity.CommandHandlers all) {
        var on = all.part(UserEntity::portability);
        on.on(UserEntity.ExportAccount.class, Portability::export);
        on.on(UserEntity.ImportAccount.class, Portability::importAccount);
    }

    // ---- export ----

    private Effect<AccountEvent, AccountState> export(AccountState s, UserEntity.ExportAccount c) {
        if (!s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.Exported(null, -1));
        }
        List<Element> all = children(s);
        List<Element> page = new ArrayList<>();
        int i = Math.max(0, c.from());
        int weight = 0;
        // One element at least per page, so a page always moves on.
        while (i < all.size() && (page.isEmpty() || weight + all.get(i).weight() <= PAGE_WEIGHT)) {
            weight += all.get(i).weight();
            page.add(all.get(i++));
        }
        return entity.effects().reply(c.replyTo(), new UserEntity.Exported(page, i < all.size() ? i : -1));
    }

    private List<Element> children(AccountState s) {
        List<Element> out = new ArrayList<>(PortableCredentials.toElements(s.credentials()));
        Element.Builder roster = Element.build("query", RosterXml.NS);
        s.roster().list().forEach(item -> roster.child(RosterXml.item(item)));
        out.add(roster.get());
        // XEP-0227 §3.10: an inbound request not yet answered, as the presence that asked.
        for (Jid from : s.roster().pendingIn()) {
            out.add(Presence.of(from, null, Presence.Type.SUBSCRIBE).toElement(Ns.CLIENT));
        }
        AccountData data = entity.data(s);
        for (Portable p : entity.deps().features().portables()) {
            out.addAll(p.export(data));
        }
        return out;
    }

    // ---- import ----

    private Effect<AccountEvent, AccountState> importAccount(AccountState s, UserEntity.ImportAccount c) {
        // A removed account's journal that is not erased yet holds the name as an account would (AccountLifecycle).
        if (c.credentials() != null && (s.exists() || entity.journalNotErased())) {
            return entity.effects().reply(c.replyTo(), new UserEntity.Imported.Refused("conflict"));
        }
        if (c.credentials() == null && !s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.Imported.Refused("item-not-found"));
        }
        List<AccountEvent> events = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        AccountState state = s;
        if (c.credentials() != null) {
            state = add(state, events, new UserEntity.AccountCreated(c.credentials(), entity.deps().clock().instant()));
        }
        for (Element child : c.children()) {
            if (child.is("scram-credentials", PortableCredentials.NS)) {
                continue;
            }
            if (child.is("query", RosterXml.NS)) {
                state = roster(state, child, events, notes);
            } else if (child.is("presence", Ns.CLIENT)) {
                state = pendingIn(state, child, events, notes);
            } else {
                state = feature(state, child, events, notes);
            }
        }
        boolean created = c.credentials() != null;
        List<String> done = List.copyOf(notes);
        return entity.effects().factory().persist(events)
            .thenRun(st -> {
                if (created) {
                    entity.deps().directory().add(entity.jid().toString());
                }
            })
            .thenReply(c.replyTo(), st -> new UserEntity.Imported.Done(done));
    }

    private static AccountState add(AccountState state, List<AccountEvent> events, AccountEvent e) {
        events.add(e);
        return state.apply(e);
    }

    /** RFC 6121's items with their subscription states as they were (no client request can set those). */
    private AccountState roster(AccountState state, Element query, List<AccountEvent> events, List<String> notes) {
        for (Element item : query.elements("item", RosterXml.NS)) {
            Jid jid;
            try {
                jid = Jid.parse(item.attr("jid") == null ? "" : item.attr("jid")).bare();
            } catch (JidMalformedException e) {
                notes.add("a roster item with an invalid address was left out");
                continue;
            }
            if (jid.equals(entity.jid())) {
                continue;
            }
            List<String> groups = item.elements("group", RosterXml.NS).stream().map(Element::text).toList();
            String name = item.attr("name");
            if (name != null && name.getBytes(StandardCharsets.UTF_8).length > limits.maxNameBytes()
                || groups.size() > limits.maxGroups()
                || groups.stream().anyMatch(g -> g.isEmpty() || g.getBytes(StandardCharsets.UTF_8).length > limits.maxGroupBytes())) {
                notes.add("roster item " + jid + " was left out: its name or groups exceed the roster's limits");
                continue;
            }
            if (state.roster().get(jid).isEmpty() && state.roster().list().size() >= limits.maxItems()) {
                notes.add("roster item " + jid + " was left out: the roster holds at most " + limits.maxItems());
                continue;
            }
            Subscription sub = Subscription.parse(item.attr("subscription"));
            boolean pending = state.roster().get(jid).map(RosterItem::pendingIn).orElse(false);
            state = add(state, events, new UserEntity.RosterItemSet(new RosterItem(jid, name, groups,
                sub == null ? Subscription.NONE : sub, "subscribe".equals(item.attr("ask")), pending, false)));
        }
        return state;
    }

    /** XEP-0227 §3.10: a subscription request the user has not answered yet. */
    private AccountState pendingIn(AccountState state, Element presence, List<AccountEvent> events, List<String> notes) {
        Jid from;
        try {
            from = Jid.parse(presence.attr("from") == null ? "" : presence.attr("from")).bare();
        } catch (JidMalformedException e) {
            notes.add("a subscription request from an invalid address was left out");
            return state;
        }
        if (!"subscribe".equals(presence.attr("type")) || from.equals(entity.jid())) {
            return state;
        }
        RosterItem item = state.roster().get(from)
            .map(i -> i.withState(i.subscription(), i.askOut(), true))
            .orElseGet(() -> new RosterItem(from, null, List.of(), Subscription.NONE, false, true, true));
        return add(state, events, new UserEntity.RosterItemSet(item));
    }

    /**
     * A feature's part: the owner's requests, answered by the feature; their events are kept. Every feature sees the
     * child (Prosody's PEP items hold the vCard too, as vcard4); it is named as not carried when none takes it.
     */
    private AccountState feature(AccountState state, Element child, List<AccountEvent> events, List<String> notes) {
        String what = "{" + child.ns() + "}" + child.name();
        boolean taken = false;
        for (Portable p : entity.deps().features().portables()) {
            List<Element> requests = p.requests(child);
            if (requests.isEmpty()) {
                continue;
            }
            taken = true;
            int refused = 0;
            for (Element payload : requests) {
                Iq iq = Iq.of(importer.jid(), null, "import", Iq.Type.SET, payload);
                Decision d = entity.hooks().request(iq, new Requester(importer.jid(),
                    chorus.actors.feature.IqContext.Relation.SELF, importer), entity.data(state), features);
                if (d.events().isEmpty()) {
                    refused++;
                }
                for (AccountEvent e : d.events()) {
                    state = add(state, events, e);
                }
            }
            if (refused > 0) {
                notes.add(refused + " of " + requests.size() + " part(s) of " + what + " were refused (limits or checks)");
            }
            notes.addAll(p.leftOut(child));
        }
        if (!taken) {
            notes.add(what + " is not carried");
        }
        return state;
    }

    /** The import speaks as an own resource of the account that no client holds: whatever is sent to it is dropped. */
    private final Resource importer = new Resource() {
        @Override
        public FullJid jid() {
            return entity.jid().withResource("xep-0227-import");
        }

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public Presence presence() {
            return null;
        }

        @Override
        public void send(Stanza stanza) {
        }

        @Override
        public void tell(SessionMessage message) {
        }

        @Override
        public boolean wants(String interest) {
            return false;
        }

        @Override
        public void want(String interest) {
        }

        @Override
        public void unwant(String interest) {
        }
    };
}
