package chorus.actors.feature.privatedata;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import chorus.actors.xmpp.StanzaException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * XEP-0049 private XML storage: the owner stores elements under their namespace and name and reads them back;
 * nobody else sees them. Section numbers are those of XEP-0049 1.2 (§2.3 Elements, §3 Error Conditions,
 * §4 Security Considerations).
 *
 * <p>A query carries one or more elements, all in one namespace (§2.3: a get asks for one namespace, a set may
 * hold several elements of the same namespace). A get answers each with what is stored under its name and
 * namespace, or with the element as requested, empty, when nothing is. Storing an empty element is how a client
 * clears one: it does not count against the limit on stored elements.
 */
public final class PrivateHandler implements IqHandler {
    public static final String NS = "jabber:iq:private";
    public static final int DEFAULT_MAX_WEIGHT = 64 * 1024;
    public static final int DEFAULT_MAX_KEYS = 100;

    private final int maxWeight;
    private final int maxKeys;

    public PrivateHandler() {
        this(DEFAULT_MAX_WEIGHT, DEFAULT_MAX_KEYS);
    }

    /**
     * @param maxWeight the largest element stored, in {@link Element#weight()} characters
     * @param maxKeys   how many non-empty elements an account may keep
     */
    public PrivateHandler(int maxWeight, int maxKeys) {
        if (maxWeight < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("private storage limits must be positive");
        }
        this.maxWeight = maxWeight;
        this.maxKeys = maxKeys;
    }

    /** The largest element stored, in {@link Element#weight()} characters. */
    public int maxWeight() {
        return maxWeight;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.isRequest() && iq.payloadIs(NS, "query");
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        // §2.3 and §4: only the owner. Forbidden is preferred, service-unavailable common; a stranger gets the
        // latter, the answer for an account that does not exist, so that it learns nothing. The server itself
        // keeps no private data.
        if (ctx.addressedToServer() || ctx.relation() == IqContext.Relation.STRANGER) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.SERVICE_UNAVAILABLE)));
        }
        if (ctx.relation() != IqContext.Relation.SELF) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.FORBIDDEN)));
        }
        try {
            List<Element> elements = elements(iq.payload().orElseThrow());
            return iq.type() == Iq.Type.GET ? get(iq, elements, ctx.data()) : set(iq, elements, ctx.data());
        } catch (StanzaException e) {
            return IqResult.reply(iq.error(e.error()));
        }
    }

    private static IqResult get(Iq iq, List<Element> requested, AccountData data) {
        Element.Builder query = Element.build("query", NS);
        for (Element r : requested) {
            Element stored = data.slice(PrivateStore.KEY).elements().get(PrivateStore.key(r.ns(), r.name()));
            query.child(stored != null ? stored : Element.of(r.name(), r.ns()));
        }
        return IqResult.reply(iq.result(query.get()));
    }

    private IqResult set(Iq iq, List<Element> elements, AccountData data) {
        Set<String> kept = new LinkedHashSet<>();
        for (Map.Entry<String, Element> e : data.slice(PrivateStore.KEY).elements().entrySet()) {
            if (!isEmpty(e.getValue())) {
                kept.add(e.getKey());
            }
        }
        List<PrivateStored> events = new ArrayList<>(elements.size());
        for (Element e : elements) {
            if (e.weight() > maxWeight) {
                // RFC 6120 §8.3.3.9 not-acceptable (type modify): a smaller element would be taken.
                throw new StanzaException(Condition.NOT_ACCEPTABLE,
                    "private XML element too large: at most " + maxWeight + " characters");
            }
            String key = PrivateStore.key(e.ns(), e.name());
            if (isEmpty(e)) {
                kept.remove(key);
            } else {
                kept.add(key);
            }
            events.add(new PrivateStored(key, e));
        }
        if (kept.size() > maxKeys) {
            // A quota, not a passing shortage: resource-constraint, but of type cancel so the client does not retry.
            return IqResult.reply(iq.error(new StanzaError(Condition.RESOURCE_CONSTRAINT, StanzaError.Type.CANCEL,
                "private storage full: at most " + maxKeys + " elements")));
        }
        return new IqResult.PersistThenReply(events, iq.result());
    }

    /** The elements of a query, checked against §2.3. */
    private static List<Element> elements(Element query) {
        List<Element> elements = query.elements();
        // §2.3: at least one child element, or not-acceptable. (§2.3 later names "Bad Format" for a get without
        // one, but that is no stanza error condition of RFC 6120.)
        if (elements.isEmpty()) {
            throw new StanzaException(Condition.NOT_ACCEPTABLE, "the query must hold an element to get or set");
        }
        String ns = elements.get(0).ns();
        Set<String> names = new LinkedHashSet<>();
        for (Element e : elements) {
            // §2.3: one namespace per request.
            if (!e.ns().equals(ns)) {
                throw new StanzaException(Condition.BAD_REQUEST, "all elements of a query must share one namespace");
            }
            if (!names.add(e.name())) {
                throw new StanzaException(Condition.BAD_REQUEST, "the same element appears twice");
            }
        }
        // §2.3 and §3: reserved namespaces are refused with not-acceptable (optional in the XEP; done here so
        // that nothing is stored under a namespace that has its own protocol, such as vcard-temp).
        if (reserved(ns)) {
            throw new StanzaException(Condition.NOT_ACCEPTABLE, "namespace " + ns + " is reserved");
        }
        return elements;
    }

    /** §2.3: namespaces beginning with 'jabber:' or 'http://jabber.org/', 'vcard-temp'; and no namespace at all. */
    static boolean reserved(String ns) {
        return ns.isEmpty() || ns.startsWith("jabber:") || ns.startsWith("http://jabber.org/") || ns.equals("vcard-temp");
    }

    private static boolean isEmpty(Element e) {
        return e.children().isEmpty() && e.attrs().isEmpty();
    }
}
