package chorus.actors.user;

import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountContext;
import chorus.actors.feature.Decision;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** What the user entity lends its features: the account, the router, the resources, and a way to wait. */
final class EntityContext implements AccountContext {

    /** A feature's wait ended ({@link #pipe}): its decision is carried out on the entity. */
    record FeatureStep(Supplier<Decision> step) implements UserEntity.Command {
    }

    private final ActorContext<UserEntity.Command> ctx;
    private final BareJid jid;
    private final UserEntity.Deps deps;
    private final Map<String, LiveSession> sessions;
    private final UserEntity entity;

    EntityContext(UserEntity entity) {
        this.ctx = entity.ctx();
        this.jid = entity.jid();
        this.deps = entity.deps();
        this.sessions = entity.sessions();
        this.entity = entity;
    }

    @Override
    public BareJid account() {
        return jid;
    }

    @Override
    public DomainJid domain() {
        return deps.domain();
    }

    @Override
    public Clock clock() {
        return deps.clock();
    }

    @Override
    public void route(Stanza stanza) {
        entity.send(stanza);
    }

    @Override
    public void bounce(Stanza stanza, StanzaError.Condition condition) {
        entity.bounce(stanza, condition);
    }

    @Override
    public Collection<LiveSession> resources() {
        return sessions.values();
    }

    @Override
    public List<LiveSession> recipients(Message message) {
        return Delivery.recipients(message, sessions);
    }

    @Override
    public DeliveryFailures failures() {
        return deps.failures();
    }

    @Override
    public <T> void pipe(CompletionStage<T> stage, BiFunction<T, Throwable, Decision> then) {
        ctx.pipeToSelf(stage, (value, failure) -> new FeatureStep(() -> then.apply(value, failure)));
    }
}
