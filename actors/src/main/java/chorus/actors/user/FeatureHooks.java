package chorus.actors.user;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The parts of one account's features, in registry order (the core's roster part first): each hook, for all. */
final class FeatureHooks {
    private final List<AccountHooks> hooks;

    FeatureHooks(List<AccountHooks> hooks) {
        this.hooks = List.copyOf(hooks);
    }

    /**
     * RFC 6121 §8.5.2.1.3: an IQ request to the bare JID is answered by the server on the account's behalf, by
     * the first feature that owns it. RFC 6120 §8.4: one nobody owns gets service-unavailable, here and only here.
     */
    Decision request(Iq iq, Requester requester, AccountData data, AccountContext ctx) {
        for (AccountHooks h : hooks) {
            if (h.owns(iq, requester)) {
                return h.handle(iq, requester, data);
            }
        }
        Iq error = iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
        return Decision.then(d -> ctx.route(error));
    }

    /** An IQ answer to the account, for the feature whose request it answers. */
    void answer(Iq response, AccountData data) {
        for (AccountHooks h : hooks) {
            if (h.answer(response, data)) {
                return;
            }
        }
    }

    /** True when a feature refused the stanza. */
    boolean screen(Stanza inbound, AccountData data) {
        for (AccountHooks h : hooks) {
            if (h.screen(inbound, data)) {
                return true;
            }
        }
        return false;
    }

    Message deliver(Message m, AccountData data) {
        Message out = m;
        for (AccountHooks h : hooks) {
            out = h.deliver(out, data);
        }
        return out;
    }

    /** Whether any feature wants the copies of what the account's resources send, now. */
    boolean wantsSent(AccountData data) {
        for (AccountHooks h : hooks) {
            if (h.wantsSent(data)) {
                return true;
            }
        }
        return false;
    }

    void sent(Message m, AccountData data) {
        hooks.forEach(h -> h.sent(m, data));
    }

    void resourcePresence(FullJid resource, Presence p, boolean announced, AccountData data) {
        hooks.forEach(h -> h.resourcePresence(resource, p, announced, data));
    }

    Presence outgoing(Presence p, AccountData data) {
        Presence out = p;
        for (AccountHooks h : hooks) {
            out = h.outgoing(out, data);
        }
        return out;
    }

    void resourceGone(FullJid resource) {
        hooks.forEach(h -> h.resourceGone(resource));
    }

    void presenceIn(Presence p, AccountData data) {
        hooks.forEach(h -> h.presenceIn(p, data));
    }

    void bound(Resource resource, AccountData data) {
        hooks.forEach(h -> h.bound(resource, data));
    }

    List<AccountEvent> lastResourceGone(AccountData data) {
        List<AccountEvent> events = new ArrayList<>();
        hooks.forEach(h -> events.addAll(h.lastResourceGone(data)));
        return events;
    }

    /** The events every feature derives from these (see {@link AccountHooks#follow}). */
    List<AccountEvent> follow(List<AccountEvent> events, AccountData after) {
        List<AccountEvent> derived = new ArrayList<>();
        hooks.forEach(h -> derived.addAll(h.follow(events, after)));
        return derived;
    }

    void followed(List<AccountEvent> derived, AccountData after) {
        hooks.forEach(h -> h.followed(derived, after));
    }

    boolean blocks(AccountData data, Jid other) {
        for (AccountHooks h : hooks) {
            if (h.blocks(data, other)) {
                return true;
            }
        }
        return false;
    }

    Set<String> discoNodes(AccountData data, IqContext.Relation relation) {
        Set<String> nodes = new LinkedHashSet<>();
        hooks.forEach(h -> nodes.addAll(h.discoNodes(data, relation)));
        return nodes;
    }

    /** The first feature that owns the command decides; a command nobody owns changes nothing. */
    Decision command(chorus.actors.feature.AccountCommand c, AccountData data) {
        for (AccountHooks h : hooks) {
            Decision d = h.command(c, data);
            if (d != null) {
                return d;
            }
        }
        return Decision.none();
    }

    void erase() {
        hooks.forEach(AccountHooks::erase);
    }
}
