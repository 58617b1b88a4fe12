package chorus.actors.feature.vcard;

import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.IqResult;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * XEP-0054 vcard-temp: the owner stores its vCard, anyone may read it. Section numbers are those of XEP-0054 1.3.
 *
 * <ul>
 *   <li>The owner reading a vCard it never stored gets an empty {@code <vCard/>} (§3.1 allows that or
 *       item-not-found): clients take the empty element as "nothing yet" and offer to fill it in, where an error
 *       would be shown as a failure.</li>
 *   <li>Anyone else reading a vCard that does not exist gets service-unavailable (§3.3 MUST), the same answer
 *       as for an account that does not exist, so a vCard request does not reveal which accounts exist.</li>
 *   <li>Only the owner may store it (§3.2); a contact gets forbidden, a stranger service-unavailable (§3.2 only
 *       asks for an error, and forbidden would confirm to a stranger that the account exists).</li>
 *   <li>The server itself publishes no vCard: a get to it is answered like any missing vCard (§3.3), a set with
 *       forbidden (§3.2).</li>
 * </ul>
 */
public final class VCardHandler implements IqHandler {
    public static final String NS = "vcard-temp";
    /** The default limit on a stored vCard, in {@link Element#weight()} characters: room for a small avatar. */
    public static final int DEFAULT_MAX_WEIGHT = 64 * 1024;

    private final int maxWeight;

    public VCardHandler() {
        this(DEFAULT_MAX_WEIGHT);
    }

    public VCardHandler(int maxWeight) {
        if (maxWeight < 1) {
            throw new IllegalArgumentException("maxWeight must be positive");
        }
        this.maxWeight = maxWeight;
    }

    /** The largest vCard stored, in {@link Element#weight()} characters. */
    public int maxWeight() {
        return maxWeight;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(NS);
    }

    @Override
    public boolean owns(Iq iq) {
        return iq.isRequest() && iq.payloadIs(NS, "vCard");
    }

    @Override
    public IqResult handle(Iq iq, IqContext ctx) {
        boolean owner = !ctx.addressedToServer() && ctx.relation() == IqContext.Relation.SELF;
        if (iq.type() == Iq.Type.GET) {
            Optional<Element> stored = ctx.addressedToServer() ? Optional.empty()
                : Optional.ofNullable(ctx.data().slice(StoredVCard.KEY).vcard());
            if (stored.isPresent()) {
                return IqResult.reply(iq.result(stored.get()));
            }
            return IqResult.reply(owner
                ? iq.result(Element.of("vCard", NS))
                : iq.error(StanzaError.of(Condition.SERVICE_UNAVAILABLE)));
        }
        if (!owner) {
            return IqResult.reply(iq.error(StanzaError.of(
                ctx.relation() == IqContext.Relation.STRANGER ? Condition.SERVICE_UNAVAILABLE : Condition.FORBIDDEN)));
        }
        Element vcard = iq.payload().orElseThrow();
        // XEP-0054 sets no limit; RFC 6120 §8.3.3.9 not-acceptable (type modify): a smaller vCard would be taken.
        if (vcard.weight() > maxWeight) {
            return IqResult.reply(iq.error(StanzaError.of(Condition.NOT_ACCEPTABLE,
                "vCard too large: at most " + maxWeight + " characters")));
        }
        // §3.2: the set replaces the whole vCard; an empty one clears it.
        return new IqResult.PersistThenReply(List.of(new VCardStored(vcard)), iq.result());
    }
}
