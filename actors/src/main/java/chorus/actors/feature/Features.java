package chorus.actors.feature;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** An ordered list of IQ handlers: the first that owns an IQ answers it. */
public final class Features {
    private final List<IqHandler> handlers;

    public Features(List<IqHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    public Optional<IqHandler> handlerFor(Iq iq) {
        for (IqHandler h : handlers) {
            if (h.owns(iq)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /**
     * Dispatches a request. RFC 6120 §8.4: an IQ that no handler owns gets service-unavailable,
     * here and only here.
     */
    public IqResult dispatch(Iq iq, IqContext ctx) {
        return handlerFor(iq)
            .map(h -> h.handle(iq, ctx))
            .orElseGet(() -> IqResult.reply(iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE))));
    }

    /** Every feature of every handler, sorted, for disco#info. */
    public Set<String> discoFeatures() {
        Set<String> all = new TreeSet<>();
        for (IqHandler h : handlers) {
            all.addAll(h.discoFeatures());
        }
        return all;
    }

    /** Every extended information form of every handler, in the handlers' order, for the server's disco#info. */
    public List<Element> discoForms() {
        List<Element> all = new ArrayList<>();
        for (IqHandler h : handlers) {
            all.addAll(h.discoForms());
        }
        return List.copyOf(all);
    }

    public Features plus(IqHandler h) {
        List<IqHandler> l = new ArrayList<>(handlers);
        l.add(h);
        return new Features(l);
    }
}
