package chorus.actors.feature.blocking;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.Portable;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;

import java.util.List;

/**
 * XEP-0191 at every account: the list as the account's {@link BlockList} slice; the account's own requests
 * ({@link BlockingHandler}) with their pushes and the presence the change hides or reveals; blocked senders'
 * stanzas refused on arrival (§3.3); and the list handed to each session, which refuses what its client sends to
 * blocked addresses. The account's disco#info does not list it: the server's does (§2).
 */
public final class BlockingFeature implements AccountFeature {
    /** A resource that fetched the list gets pushes (§3.2). */
    static final String PUSHES = "blocklist";

    private final BlockingHandler handler;

    public BlockingFeature(BlockingHandler handler) {
        this.handler = handler;
    }

    public BlockingFeature() {
        this(new BlockingHandler());
    }

    @Override
    public Portable portable() {
        return new BlockingPortable();
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new AccountHooks() {
            @Override
            public boolean owns(Iq request, Requester requester) {
                return handler.owns(request) && requester.ownSession();
            }

            @Override
            public Decision handle(Iq request, Requester requester, AccountData data) {
                return change(ctx, request, requester.session(), data);
            }

            @Override
            public boolean screen(Stanza inbound, AccountData data) {
                if (!blocks(data, inbound.from())) {
                    return false;
                }
                // §3.3: a blocked sender's messages and requests are refused; presence is dropped.
                BlockRules.refuseInbound(inbound).ifPresent(ctx::route);
                return true;
            }

            @Override
            public boolean blocks(AccountData data, Jid other) {
                List<Jid> list = data.slice(BlockList.KEY).blocked();
                return other != null && !list.isEmpty() && !other.bare().equals(ctx.account())
                    && BlockRules.blocks(list, other);
            }

            /** Sessions refuse stanzas to blocked addresses themselves (§3.3): they get the list. */
            @Override
            public void bound(Resource resource, AccountData data) {
                List<Jid> list = data.slice(BlockList.KEY).blocked();
                if (!list.isEmpty()) {
                    resource.tell(new SessionMessage.Blocklist(list));
                }
            }
        };
    }

    /** The block list changes; pushes, presence and the answer follow the change. */
    private Decision change(AccountContext ctx, Iq iq, Resource sender, AccountData data) {
        BlockingHandler.Outcome o = handler.decide(iq, new IqContext(ctx.domain(), ctx.clock(), ctx.account(),
            IqContext.Relation.SELF, data));
        if (o.fetched()) {
            sender.want(PUSHES);
        }
        return Decision.persist(o.event().map(List::of).orElse(List.of()), after -> {
            for (Resource r : ctx.resources()) {
                if (r.wants(PUSHES)) {
                    o.pushTo(r.jid(), "block-" + ctx.clock().millis()).ifPresent(r::send);
                }
            }
            List<Jid> subscribers = after.presenceSubscribers();
            for (Jid hide : o.presenceToHide(subscribers)) {
                for (Resource r : ctx.resources()) {
                    if (r.available()) {
                        ctx.route(Presence.of(r.jid(), hide, Presence.Type.UNAVAILABLE));
                    }
                }
            }
            for (Jid reveal : o.presenceToReveal(subscribers)) {
                for (Resource r : ctx.resources()) {
                    if (r.available()) {
                        ctx.route(r.presence().withFromTo(r.jid(), reveal));
                    }
                }
            }
            if (o.event().isPresent()) {
                List<Jid> list = after.slice(BlockList.KEY).blocked();
                for (Resource r : ctx.resources()) {
                    r.tell(new SessionMessage.Blocklist(list));
                }
            }
            sender.send(o.reply());
        });
    }
}
