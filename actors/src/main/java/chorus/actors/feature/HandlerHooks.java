package chorus.actors.feature;

import chorus.actors.xmpp.Iq;

/**
 * The hooks of a feature that answers requests with an {@link IqHandler}: it owns what the handler owns, and the
 * handler's result is carried out (events persist before the reply goes out). Extend it to add other hooks.
 */
public class HandlerHooks implements AccountHooks {
    protected final AccountContext ctx;
    private final IqHandler handler;

    public HandlerHooks(AccountContext ctx, IqHandler handler) {
        this.ctx = ctx;
        this.handler = handler;
    }

    @Override
    public boolean owns(Iq request, Requester requester) {
        return handler.owns(request);
    }

    @Override
    public Decision handle(Iq request, Requester requester, AccountData data) {
        return Decision.of(handler.handle(request, IqContext.of(ctx, requester, data)), ctx);
    }
}
