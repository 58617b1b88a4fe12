package chorus.actors.feature.blocking;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import chorus.actors.xmpp.StanzaException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * XEP-0191 blocking command (section numbers of XEP-0191 1.3): the user reads its block list (§3.2), blocks
 * addresses (§3.3), unblocks some (§3.4) or all (§3.5). Only the account itself may: a contact gets forbidden, a
 * stranger service-unavailable (the XEP is silent; this is what an account that does not exist answers), and an
 * IQ to the server itself gets service-unavailable since the server has no list of its own.
 *
 * <p>A change also means pushes to the resources that fetched the list and presence to the addresses newly
 * hidden or revealed, so the user's entity calls {@link #decide} and acts on the {@link Outcome}. {@link #handle}
 * gives only the reply and the event, for the dispatcher's use with requests that are not the account's own.
 */
public final class BlockingHandler implements IqHandler {
    public static final String NS = "urn:xmpp:blocking";
    public static final int DEFAULT_MAX_ITEMS = 1000;

    private final int maxItems;

    public BlockingHandler() {
        this(DEFAULT_MAX_ITEMS);
    }

    /** {@code maxItems}: how many entries a block list may hold. */
    public BlockingHandler(int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be positive");
        }
        this.maxItems = maxItems;
    }

    /**
     * What a blocking IQ decided. The entity, in this order: persists {@code event} if present; sends {@code push}
     * to every resource that fetched the list ({@link #pushTo}); sends unavailable presence from each available
     * resource to each of {@link #presenceToHide}, and current presence to each of {@link #presenceToReveal};
     * sends {@code reply}; and, when {@code fetched}, marks the requesting resource as one that gets pushes.
     *
     * @param push          the {@code <block/>} or {@code <unblock/>} payload of the push (§3.3-§3.5)
     * @param newlyBlocked  entries the block added
     * @param unblocked     entries the unblock removed
     * @param before        the list before the request
     * @param after         the list after it
     */
    public record Outcome(Iq reply, Optional<BlocklistChanged> event, Optional<Element> push, List<Jid> newlyBlocked,
                          List<Jid> unblocked, boolean fetched, List<Jid> before, List<Jid> after) {
        public Outcome {
            Objects.requireNonNull(reply, "reply");
            newlyBlocked = List.copyOf(newlyBlocked);
            unblocked = List.copyOf(unblocked);
            before = List.copyOf(before);
            after = List.copyOf(after);
        }

        static Outcome answer(Iq reply, List<Jid> list, boolean fetched) {
            return new Outcome(reply, Optional.empty(), Optional.empty(), List.of(), List.of(), fetched, list, list);
        }

        /**
         * §3.3: the addresses to send unavailable presence to, among those entitled to the user's presence
         * ({@code subscribers}: contacts with a subscription from or both); only those the list did not hide
         * already.
         */
        public List<Jid> presenceToHide(Collection<? extends Jid> subscribers) {
            return BlockRules.newlyHidden(before, after, subscribers);
        }

        /** §3.4, §3.5: the addresses to send the user's current presence to, now that the list no longer hides them. */
        public List<Jid> presenceToReveal(Collection<? extends Jid> subscribers) {
            return BlockRules.newlyHidden(after, before, subscribers);
        }

        /**
         * The push to one resource (§3.3-§3.5), or empty when nothing changed. No 'from': like a roster push it
         * comes from the user's own account.
         */
        public Optional<Iq> pushTo(FullJid resource, String id) {
            return push.map(p -> Iq.of(null, resource, id, Iq.Type.SET, p));
        }

        @Override
        public String toString() {
            return "BlockingOutcome[+" + newlyBlocked.size() + " -" + unblocked.size() + (fetched ? " fetched" : "") + "]";
        }
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.isRequest() && iq.payload()
            .map(p -> p.ns().equals(NS)
                && (p.name().equals("blocklist") || p.name().equals("block") || p.name().equals("unblock")))
            .orElse(false);
    }

    /** The reply and the event only; the entity uses {@link #decide} for the account's own requests. */
    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        Outcome o = decide(iq, ctx);
        return o.event().<IqResult>map(e -> new IqResult.PersistThenReply(List.of(e), o.reply()))
            .orElseGet(() -> IqResult.reply(o.reply()));
    }

    /** Decides a blocking IQ addressed to the account of {@code ctx}, or to the server. */
    public Outcome decide(Iq iq, IqContext ctx) {
        if (ctx.addressedToServer() || ctx.relation() == IqContext.Relation.STRANGER) {
            return Outcome.answer(iq.error(StanzaError.of(Condition.SERVICE_UNAVAILABLE)), List.of(), false);
        }
        List<Jid> list = ctx.data().slice(BlockList.KEY).blocked();
        if (ctx.relation() != IqContext.Relation.SELF) {
            return Outcome.answer(iq.error(StanzaError.of(Condition.FORBIDDEN)), list, false);
        }
        Element payload = iq.payload().orElseThrow();
        try {
            if (payload.name().equals("blocklist")) {
                return blocklist(iq, list);
            }
            if (iq.type() != Iq.Type.SET) {
                throw new StanzaException(Condition.BAD_REQUEST, "block and unblock are sets");
            }
            List<Jid> items = items(payload);
            return payload.name().equals("block")
                ? block(iq, list, items, ctx.account(), payload)
                : unblock(iq, list, items, payload);
        } catch (StanzaException e) {
            return Outcome.answer(iq.error(e.error()), list, false);
        }
    }

    /** §3.2: the list, one item per entry; an empty {@code <blocklist/>} when there is none. */
    private static Outcome blocklist(Iq iq, List<Jid> list) {
        if (iq.type() != Iq.Type.GET) {
            throw new StanzaException(Condition.BAD_REQUEST, "the block list is read with a get");
        }
        return Outcome.answer(iq.result(Element.build("blocklist", NS).children(itemElements(list)).get()), list, true);
    }

    /** §3.3: adds the entries not there yet; pushes those. */
    private Outcome block(Iq iq, List<Jid> list, List<Jid> items, Jid account, Element payload) {
        // §3.3: a block without an item is a bad-request.
        if (items.isEmpty()) {
            throw new StanzaException(Condition.BAD_REQUEST, "block at least one address");
        }
        for (Jid item : items) {
            // §5 (and XEP-0016 §2.1): one's own resources are never blocked; blocking one's own server would cut
            // the user off from it.
            if (item.local() != null && item.bare().equals(account.bare())
                || item.equals(new DomainJid(account.domain()))) {
                throw new StanzaException(Condition.NOT_ACCEPTABLE, "you cannot block yourself or your own server");
            }
        }
        List<Jid> added = new ArrayList<>();
        for (Jid item : items) {
            if (!list.contains(item)) {
                added.add(item);
            }
        }
        if (list.size() + added.size() > maxItems) {
            // A quota, not a passing shortage: resource-constraint, of type cancel so the client does not retry.
            return Outcome.answer(iq.error(new StanzaError(Condition.RESOURCE_CONSTRAINT, StanzaError.Type.CANCEL,
                "block list full: at most " + maxItems + " entries")), list, false);
        }
        return changed(iq, list, added, List.of(), payload);
    }

    /** §3.4: removes the given entries; §3.5: with no item, removes them all. */
    private static Outcome unblock(Iq iq, List<Jid> list, List<Jid> items, Element payload) {
        List<Jid> removed = new ArrayList<>();
        for (Jid entry : list) {
            if (items.isEmpty() || items.contains(entry)) {
                removed.add(entry);
            }
        }
        return changed(iq, list, List.of(), removed, payload);
    }

    private static Outcome changed(Iq iq, List<Jid> list, List<Jid> added, List<Jid> removed, Element payload) {
        if (added.isEmpty() && removed.isEmpty()) {
            return Outcome.answer(iq.result(), list, false);
        }
        List<Jid> after = new ArrayList<>(list);
        after.removeAll(removed);
        after.addAll(added);
        // The push names what changed: the added entries, the removed ones, or none for "unblock all" (§3.5).
        boolean all = payload.name().equals("unblock") && payload.elements("item", NS).isEmpty();
        Element push = Element.build(payload.name(), NS)
            .children(all ? List.of() : itemElements(added.isEmpty() ? removed : added)).get();
        return new Outcome(iq.result(), Optional.of(new BlocklistChanged(after)), Optional.of(push), added, removed,
            false, list, after);
    }

    /** The distinct addresses of the request's items, in order. */
    private static List<Jid> items(Element payload) {
        Set<Jid> out = new LinkedHashSet<>();
        for (Element item : payload.elements("item", NS)) {
            String value = item.attr("jid");
            if (value == null) {
                throw new StanzaException(Condition.BAD_REQUEST, "an item needs a jid");
            }
            try {
                out.add(Jid.parse(value));
            } catch (JidMalformedException e) {
                // RFC 6120 §8.3.3.8; XEP-0191 §3.3: the standard stanza errors apply.
                throw new StanzaException(Condition.JID_MALFORMED, "malformed address in item");
            }
        }
        return List.copyOf(out);
    }

    private static List<Element> itemElements(List<Jid> jids) {
        List<Element> items = new ArrayList<>(jids.size());
        for (Jid j : jids) {
            items.add(Element.build("item", NS).attr("jid", j.toString()).get());
        }
        return items;
    }
}
