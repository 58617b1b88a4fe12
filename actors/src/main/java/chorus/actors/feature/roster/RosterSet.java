package chorus.actors.feature.roster;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.StanzaError.Condition;
import chorus.actors.xmpp.StanzaException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a roster set (RFC 6121 §2.1.5) asks for: add or update one item, or remove it. */
public sealed interface RosterSet {

    Jid jid();

    /** Add the contact or change its name and groups; the subscription state is the server's and stays (§2.1.5). */
    record Update(Jid jid, String name, List<String> groups) implements RosterSet {
        public Update {
            groups = List.copyOf(groups);
        }

        /** The name and groups are the user's words: print the address only. */
        @Override
        public String toString() {
            return "RosterSet.Update[" + jid + "]";
        }
    }

    /** Remove the contact, ending every subscription with it (§2.5). */
    record Remove(Jid jid) implements RosterSet {
    }

    /**
     * Reads the {@code <query xmlns='jabber:iq:roster'>} of a roster set from {@code owner}; a
     * {@link StanzaException} carries the error the RFC prescribes.
     */
    static RosterSet parse(Element query, BareJid owner, RosterLimits limits) {
        List<Element> items = query.elements("item", RosterXml.NS);
        // §2.3.3: exactly one item per roster set.
        if (items.size() != 1) {
            throw new StanzaException(Condition.BAD_REQUEST, "a roster set carries exactly one item");
        }
        Element item = items.get(0);
        Jid jid = itemJid(item.attr("jid"));
        // §2.1.5: the server ignores any 'subscription' but "remove", and the 'ask' attribute altogether.
        if ("remove".equals(item.attr("subscription"))) {
            return new Remove(jid);
        }
        if (jid.equals(owner)) {
            throw new StanzaException(Condition.NOT_ALLOWED, "the account itself cannot be a contact");
        }
        String name = item.attr("name");
        if (name != null && bytes(name) > limits.maxNameBytes()) {
            throw new StanzaException(Condition.NOT_ACCEPTABLE, "name too long");
        }
        List<Element> groupElements = item.elements("group", RosterXml.NS);
        if (groupElements.size() > limits.maxGroups()) {
            throw new StanzaException(Condition.NOT_ACCEPTABLE, "too many groups");
        }
        List<String> groups = new ArrayList<>(groupElements.size());
        Set<String> seen = new HashSet<>();
        for (Element g : groupElements) {
            String group = g.text();
            // §2.3.3: duplicate groups are a bad request; an empty or over-long group is not acceptable.
            if (!seen.add(group)) {
                throw new StanzaException(Condition.BAD_REQUEST, "duplicate group");
            }
            if (group.isEmpty()) {
                throw new StanzaException(Condition.NOT_ACCEPTABLE, "empty group name");
            }
            if (bytes(group) > limits.maxGroupBytes()) {
                throw new StanzaException(Condition.NOT_ACCEPTABLE, "group name too long");
            }
            groups.add(group);
        }
        return new Update(jid, name == null || name.isEmpty() ? null : name, groups);
    }

    private static Jid itemJid(String value) {
        if (value == null) {
            throw new StanzaException(Condition.BAD_REQUEST, "item without jid");
        }
        Jid jid;
        try {
            jid = Jid.parse(value);
        } catch (JidMalformedException e) {
            throw new StanzaException(Condition.JID_MALFORMED, "malformed item jid");
        }
        // Subscriptions are between bare JIDs (§3.1.1): an item with a resource could never be subscribed to.
        if (jid.isFull()) {
            throw new StanzaException(Condition.BAD_REQUEST, "a roster item is a bare JID");
        }
        return jid;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
