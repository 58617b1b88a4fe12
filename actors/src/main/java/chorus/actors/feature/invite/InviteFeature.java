package chorus.actors.feature.invite;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Invitations' part of every account: a removed account's open invites are erased with it. */
public final class InviteFeature implements AccountFeature {
    private static final Logger log = LoggerFactory.getLogger(InviteFeature.class);

    private final Invites invites;

    public InviteFeature(Invites invites) {
        this.invites = invites;
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new AccountHooks() {
            @Override
            public void erase() {
                invites.eraseInviter(ctx.account()).whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("the open invitations of {} could not be erased: {}", ctx.account(),
                            e.getClass().getSimpleName());
                    }
                });
            }
        };
    }

    @Override
    public String toString() {
        return "InviteFeature";
    }
}
