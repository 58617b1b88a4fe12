package chorus.node.session;

import chorus.actors.feature.register.RegisterForm;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.node.xmppstream.StanzaIntake;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A bound resource's session (RFC 6120 §8, RFC 6121): what the client sends is taken as stanzas, its 'from'
 * stamped, passed through the extensions and handed to the router (the session answers only the obsolete
 * session request and XEP-0077's account requests itself); what the account's entity hands it goes to the client,
 * acknowledged end to end once written. The session stays bound to its account's entity wherever that runs: it
 * binds again when the entity moved ({@link EntityBinding}), and tells it what it wrote, and whether its client
 * reads (for push).
 */
final class BoundSession {

    /** Resend what waits for acceptance, acknowledge what was written. */
    enum ReliabilityTick implements StreamSession.Local { INSTANCE }

    /** An IQ this session gave the account's entity got no answer in time. */
    record IqTimeout(String id) implements StreamSession.Local {
    }

    private static final Duration IQ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofMillis(250);
    /**
     * The armed reliability tick, or null. Scheduled once at a time rather than as a Pekko timer: Pekko fetches the
     * actor's logger for every timer message it delivers, and with it sets and clears the logging MDC (a map per tick
     * of every busy session; issue 18, "Chat: CPU per message").
     */
    private org.apache.pekko.actor.Cancellable tick;

    private final StreamSession session;
    /** IQs handed to the account's entity and not yet answered. */
    private final Set<String> pendingIqs = new HashSet<>();
    /** Stanzas the entity sent before its bind answer arrived (the answer travels through an ask). */
    private final List<SessionMessage.Deliver> early = new ArrayList<>();
    /** Pings the client when it says nothing for a while (issue 14). */
    final IdleCheck idle;
    /** The session's tie to the account's entity, wherever it runs. */
    final EntityBinding binding;

    BoundSession(StreamSession session) {
        this.session = session;
        this.idle = new IdleCheck(session);
        this.binding = new EntityBinding(session);
    }

    /** The resource is bound to the account's entity, which the session now watches. */
    void begin(ActorRef<UserEntity.Command> entity) {
        binding.watch(entity);
        session.phase = Phase.BOUND;
        tickWhileBusy();
        session.node.registry().bound(session.ctx().getSelf(), session.jid);
        binding.registerResumable();
        if (session.sm == null) {
            // Without XEP-0198 (yet): the node's idle check watches this stream until the client enables it.
            session.node.guards().idle().watch(session.ctx().getSelf(), session.transport);
        }
    }

    /** As {@link #begin}, for a resumed stream: the entity knows its resumption id already. */
    void beginResumed(ActorRef<UserEntity.Command> entity) {
        binding.watch(entity);
        tickWhileBusy();
        session.node.registry().bound(session.ctx().getSelf(), session.jid);
    }

    // ---- from the client ----

    Behavior<SessionInput> onElement(Element e) {
        if (session.registration.removing()) {
            // The account is being removed at this stream's request: nothing more is sent in its name.
            return session;
        }
        if (!session.intake.isStanza(e) && session.extensions.element(e)) {
            return session;
        }
        StanzaIntake.Taken taken = session.intake.take(e, session.jid);
        if (taken instanceof StanzaIntake.Taken.Failed f) {
            return session.fail(f.error());
        }
        if (taken instanceof StanzaIntake.Taken.Refused r) {
            session.sendIfAny(r.reply());
            return session;
        }
        Stanza st = ((StanzaIntake.Taken.Accepted) taken).stanza();
        session.node.metrics().stanzaIn(ClientOutput.kind(st));
        if (!session.extensions.fromClient(st)) {
            return session;
        }
        if (st instanceof Presence p) {
            binding.broadcast(p);
            session.node.router().fromClient(st);
        } else if (st instanceof Iq iq) {
            onIq(iq);
        } else {
            send((Message) st);
        }
        return session;
    }

    private void onIq(Iq iq) {
        Jid to = iq.to();
        BareJid user = session.user;
        boolean ownOrServer = to == null || to.equals(user) || to.toString().equals(session.node.domain().toString());
        if (ownOrServer && RegisterForm.owns(iq)) {
            session.registration.afterAuth(iq, user);
            return;
        }
        if (ownOrServer && idle.answered(iq)) {
            return;
        }
        if (to == null || to.equals(user)) {
            if (iq.type() == Iq.Type.SET && iq.payloadIs(Ns.SESSION, "session")) {
                session.out.send(iq.withFromTo(null, null).result());
                return;
            }
            if (iq.isRequest() && iq.id() != null && pendingIqs.add(iq.id())) {
                session.timers.startSingleTimer("iq:" + iq.id(), new IqTimeout(iq.id()), IQ_TIMEOUT);
            }
            if (iq.type() == Iq.Type.GET && iq.payloadIs("jabber:iq:roster", "query")) {
                binding.rosterRequested();
            }
            session.node.router().fromClient(iq);
            return;
        }
        // To another account or resource of this server: kept until its entity took it (Reliability).
        session.reliability.send(iq, session.ctx().getSelf());
        tickWhileBusy();
    }

    /** A message: the router hands it on; one to a local account is kept until accepted. */
    private void send(Message m) {
        session.reliability.send(m, session.ctx().getSelf());
        tickWhileBusy();
    }

    /** A message the client sent before it read that its stream ended: delivered all the same. */
    void late(Element e) {
        if (!e.ns().equals(Ns.CLIENT) || !e.name().equals("message") || session.registration.removing()) {
            return;
        }
        if (!(session.intake.take(e, session.jid) instanceof StanzaIntake.Taken.Accepted a)) {
            return;
        }
        session.node.metrics().stanzaIn(NodeMetrics.StanzaKind.MESSAGE);
        if (session.extensions.fromClient(a.stanza())) {
            send((Message) a.stanza());
        }
    }

    // ---- to the client ----

    Behavior<SessionInput> onDeliver(SessionMessage.Deliver d) {
        if (session.phase == Phase.BIND || session.phase == Phase.RESUMING) {
            early.add(d);
            return session;
        }
        if (session.phase != Phase.BOUND) {
            return session;
        }
        if (d.stanza() instanceof Iq iq && !iq.isRequest() && iq.id() != null && pendingIqs.remove(iq.id())) {
            session.timers.cancel("iq:" + iq.id());
        }
        if (!session.extensions.toClient(d.stanza())) {
            // Held back (XEP-0352), to be written later through the link. A tracked message stays the entity's
            // until a later one is written (it delivers it elsewhere should this session end first): its sender
            // need not wait for it.
            if (d.acknowledges()) {
                d.ackTo().tell(new SessionMessage.Accepted(d.ackSeq()));
            }
            return session;
        }
        if (d.seq() > 0) {
            session.reliability.submitted(d.epoch(), d.seq());
        }
        tickWhileBusy();
        if (d.seq() > 0 && session.sm != null) {
            // XEP-0198: the entity keeps the message until the client acknowledges it (or stores it
            // offline when the stream is not resumed); the sender need not wait for that.
            session.out.sendThen(d.stanza(), d.epoch(), d.seq(), () -> { });
            if (d.acknowledges()) {
                d.ackTo().tell(new SessionMessage.Accepted(d.ackSeq()));
            }
        } else if (d.seq() > 0) {
            long epoch = d.epoch();
            long seq = d.seq();
            session.out.sendThen(d.stanza(), () -> {
                session.reliability.written(epoch, seq);
                if (d.acknowledges()) {
                    // End to end: the sending session hears its message reached this client.
                    d.ackTo().tell(new SessionMessage.Accepted(d.ackSeq()));
                }
            });
        } else {
            session.out.send(d.stanza());
        }
        return session.checkQueue();
    }

    /** What the entity sent while the bind (or resume) answer was on its way, now that it is here. */
    void deliverEarly() {
        for (SessionMessage.Deliver d : early) {
            onDeliver(d);
        }
        early.clear();
    }

    void forgetEarly() {
        early.clear();
    }

    /**
     * XEP-0160: the messages that waited, in order; once the last one is written the mailbox may forget them
     * (if the connection dies first, they wait for the next login).
     */
    Behavior<SessionInput> onOffline(SessionMessage.Offline o) {
        if (session.phase != Phase.BOUND || o.messages().isEmpty()) {
            return session;
        }
        for (int i = 0; i < o.messages().size() - 1; i++) {
            session.out.send(o.messages().get(i));
        }
        RecipientRef<MailboxEntity.Command> mailbox = session.node.mailboxes().apply(session.user.toString());
        long upTo = o.upToId();
        Message last = o.messages().get(o.messages().size() - 1);
        // Naming this session lets a mailbox that restarted since it sent the page send the next one.
        ActorRef<SessionMessage> self = session.self();
        FullJid to = session.jid;
        session.out.sendThen(last, () -> mailbox.tell(new MailboxEntity.Forget(upTo, self, to)));
        return session;
    }

    /** The account's entity did not answer (storage down, or restarting): an error to retry on, never silence. */
    Behavior<SessionInput> onIqTimeout(IqTimeout t) {
        if (session.phase == Phase.BOUND && pendingIqs.remove(t.id())) {
            Element error = StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR,
                "the server could not complete the request in time; try again").toElement();
            session.out.send(new Iq(null, session.jid, t.id(), Iq.Type.ERROR, null, List.of(error)));
        }
        return session;
    }

    /** Resend what waits for acceptance, tell the entity what was written, ask the client for an ack. */
    Behavior<SessionInput> onReliabilityTick() {
        tick = null;
        Duration resendAfter = session.draining ? Reliability.RESEND_WHILE_STOPPING : Reliability.RESEND_AFTER;
        if (session.phase == Phase.CLOSED && session.transportGone) {
            // Lingering after the transport closed: resend, give up silently, stop when nothing waits.
            session.reliability.tick(session.ctx().getSelf(), resendAfter);
            if (!session.reliability.hasPending()) {
                return Behaviors.stopped();
            }
            tickWhileBusy();
            return session;
        }
        if (session.phase != Phase.BOUND) {
            tickWhileBusy();
            return session;
        }
        ackWritten();
        for (Stanza failed : session.reliability.tick(session.ctx().getSelf(), resendAfter)) {
            session.out.send(failed);
        }
        StreamManagement sm = session.sm;
        if (sm != null && !session.detached && sm.requestDue(session.node.clock().instant())) {
            session.out.send(sm.request(session.node.clock().instant()));
        }
        if (!session.reliability.settled() || sm != null && sm.unackedCount() > 0) {
            // Something left to resend, acknowledge or ask for; an idle session costs no timer (issue 18).
            tickWhileBusy();
        }
        return session.checkQueue();
    }

    /**
     * Runs the reliability tick while something waits: a message of the client's for acceptance, a delivery for
     * its writing to be told to the entity, a XEP-0198 request due. The tick stops itself once all is settled.
     */
    void tickWhileBusy() {
        if (tick == null) {
            tick = session.ctx().scheduleOnce(TICK, session.ctx().getSelf(), ReliabilityTick.INSTANCE);
        }
    }

    /** The session stops: no tick is left to arrive after it. */
    void stopTicking() {
        if (tick != null) {
            tick.cancel();
            tick = null;
        }
    }

    // ---- the account's entity ----

    /** Tells the entity up to which tracked message the client was written to. */
    void ackWritten() {
        UserEntity.SessionAck ack = session.reliability.ackDue(session.jid.resource());
        if (ack != null) {
            session.entity.tell(ack);
        }
    }

    /** The resource ends: the entity hears it, with what the client was written. */
    void unbind() {
        if (session.phase == Phase.BOUND && session.jid != null) {
            long[] written = session.reliability.lastWritten();
            session.entity.tell(new UserEntity.Unbind(session.jid.resource(), session.self(), written[0], written[1]));
            session.node.registry().unbound(session.ctx().getSelf());
        }
        session.node.guards().idle().unwatch(session.ctx().getSelf());
    }

    /** What an extension may do with this session. */
    SessionLink link() {
        return new SessionLink() {
            @Override
            public BareJid account() {
                return session.user;
            }

            @Override
            public FullJid jid() {
                return session.jid;
            }

            @Override
            public void toClient(Stanza stanza) {
                if (session.phase != Phase.CLOSED) {
                    session.out.send(stanza);
                }
            }

            @Override
            public void send(Element element) {
                if (session.phase != Phase.CLOSED) {
                    session.out.send(element);
                }
            }

            @Override
            public void inactive(boolean inactive) {
                binding.inactive(inactive);
            }
        };
    }
}
