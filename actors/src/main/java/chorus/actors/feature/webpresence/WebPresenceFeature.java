package chorus.actors.feature.webpresence;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Presence;

import java.util.List;
import java.util.Set;

/**
 * The web presence badge, opt-in per account: off until the user turns it on with the ad-hoc command at their own
 * address ({@link OptInCommand}); while on, the account's availability is on the {@link BadgeBoard} (and so on the
 * web), updated as its resources come, change and go; off again, or the account removed, it leaves the board. The
 * server registers the feature only when {@code chorus.webpresence.enabled} is on.
 */
public final class WebPresenceFeature implements AccountFeature {
    private final BadgeBoard board;

    public WebPresenceFeature(BadgeBoard board) {
        this.board = board;
    }

    @Override
    public Set<String> discoFeatures() {
        return Set.of(OptInCommand.COMMANDS);
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new Hooks(ctx, board);
    }

    @Override
    public String toString() {
        return "WebPresenceFeature";
    }

    private static final class Hooks implements AccountHooks {
        private final AccountContext ctx;
        private final BadgeBoard board;
        /** Whether the user allows the badge, as the account's data last said (some hooks get no data). */
        private boolean shown;

        Hooks(AccountContext ctx, BadgeBoard board) {
            this.ctx = ctx;
            this.board = board;
        }

        @Override
        public boolean owns(Iq request, Requester requester) {
            // Only the account itself may look at or change its choice.
            return requester.relation() == IqContext.Relation.SELF && OptInCommand.owns(request);
        }

        @Override
        public Decision handle(Iq request, Requester requester, AccountData data) {
            shown = data.slice(WebPresence.KEY).shown();
            Iq disco = OptInCommand.disco(request, ctx.account().toString());
            if (disco != null) {
                return Decision.then(d -> ctx.route(disco));
            }
            if (OptInCommand.cancels(request)) {
                return Decision.then(d -> ctx.route(OptInCommand.canceled(request)));
            }
            Boolean choice = OptInCommand.submitted(request);
            if (choice == null) {
                boolean now = shown;
                return Decision.then(d -> ctx.route(OptInCommand.form(request, now)));
            }
            List<AccountEvent> events = choice == shown ? List.of() : List.of(new WebPresenceSet(choice));
            return Decision.persist(events, d -> {
                update(d);
                ctx.route(OptInCommand.completed(request, choice));
            });
        }

        @Override
        public void resourcePresence(FullJid resource, Presence presence, boolean announced, AccountData data) {
            shown = data.slice(WebPresence.KEY).shown();
            show(Availability.of(ctx.resources(), resource, presence));
        }

        @Override
        public void bound(Resource resource, AccountData data) {
            update(data);
        }

        @Override
        public void resourceGone(FullJid resource) {
            if (shown) {
                board.show(ctx.account(), Availability.of(ctx.resources(), resource, null));
            }
        }

        @Override
        public List<AccountEvent> lastResourceGone(AccountData data) {
            shown = data.slice(WebPresence.KEY).shown();
            if (shown) {
                board.show(ctx.account(), Availability.OFFLINE);
            }
            return List.of();
        }

        @Override
        public void erase() {
            shown = false;
            board.hide(ctx.account());
        }

        private void update(AccountData data) {
            shown = data.slice(WebPresence.KEY).shown();
            show(Availability.of(ctx.resources(), null, null));
        }

        private void show(Availability availability) {
            if (shown) {
                board.show(ctx.account(), availability);
            } else if (board.of(ctx.account()).isPresent()) {
                // Only a badge that is on the board is taken off: most accounts never opt in, and their logins
                // should not write to the replicated board.
                board.hide(ctx.account());
            }
        }
    }
}
