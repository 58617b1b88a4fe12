package chorus.node.bosh;

import chorus.actors.ClusterMessage;
import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.config.HttpSettings;
import chorus.node.session.StreamSession;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import chorus.node.xmppstream.StandaloneXml;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One BOSH session (XEP-0124, XEP-0206), on the node that created it: the transport of one client stream, whose
 * {@link StreamSession} it feeds and whose output it hands out in the responses to held requests. Requests are taken
 * in the order of their ids (§8: out of order ones wait for the missing, within the window of {@code requests}); a
 * request seen before gets its buffered response again (§14.3); one outside the window ends the session
 * (item-not-found). At most {@code hold} requests are held, each up to {@code wait}; a response carries what waits, up
 * to the stanza limit. What the client was sent counts as delivered once the response carrying it went out to its
 * HTTP connection, or, when the client acknowledges responses (§9.2), once it did. A client that makes no request
 * for {@code inactivity} (or the pause it asked for, §11) is gone: its stream ends as a dropped TCP stream would, and
 * what it was never sent goes where it would go then (another resource, or offline storage).
 *
 * <p>Over 400 lines: one state machine of XEP-0124 (request order, held requests, output queue, buffered responses,
 * the end) whose parts all read and change the same state; split, they would pass it around whole.
 */
public final class BoshSession extends AbstractBehavior<BoshSession.Command> {

    /** What a BOSH session hears: requests, and what its stream writes. */
    public interface Command {
    }

    /** A request of the client, from the route on this node or forwarded by another (§7, §8). */
    record Request(Element body, ActorRef<BoshReply> replyTo) implements Command {
    }

    /** The response to request {@code rid} went out to the client's HTTP connection, on whichever node. */
    public record Written(long rid) implements Command, ClusterMessage {
    }

    /** An item of our side of the stream, from the transport; {@code written} (or null) runs once it was delivered. */
    record Out(Object item, Runnable written) implements Command {
        @Override
        public String toString() {
            return "Out[" + item.getClass().getSimpleName() + "]";
        }
    }

    private record WaitOver(long rid) implements Command {
    }

    private enum Inactive implements Command { INSTANCE }

    /** What every BOSH session of this node shares. */
    record Deps(String domain, HttpSettings.Bosh limits, int maxResponse, BoshSessions sessions, Clock clock) {
    }

    private record Queued(String xml, Runnable written) {
    }

    private record Sent(String xml, List<Runnable> written) {
    }

    private final Deps deps;
    private final String sid;
    private final ActorRef<SessionInput> stream;
    private final BoshTransport transport;
    private final TimerScheduler<Command> timers;
    private final boolean clientAcks;
    private final int hold;
    private final int requests;
    private final Duration wait;
    private final long creationRid;
    private final String lang;

    private long lastRid;
    private final TreeMap<Long, Request> early = new TreeMap<>();
    private final TreeMap<Long, ActorRef<BoshReply>> held = new TreeMap<>();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedChars;
    private final LinkedHashMap<Long, Sent> sent = new LinkedHashMap<>();
    private String authid = "";
    /** The stream ended on our side: null while it goes on, "" for a plain end, else the terminal condition. */
    private String closing;
    private Instant lastEmptyPoll;
    private boolean lastResponseEmpty;
    private boolean finished;
    private boolean ended;

    private BoshSession(ActorContext<Command> ctx, TimerScheduler<Command> timers, Deps deps, String sid,
                        Element creation, ActorRef<BoshReply> replyTo, BoshTransport transport,
                        ActorRef<SessionInput> stream) {
        super(ctx);
        this.transport = transport;
        this.deps = deps;
        this.sid = sid;
        this.timers = timers;
        this.stream = stream;
        HttpSettings.Bosh limits = deps.limits();
        long asked = BoshBody.number(creation, "wait", limits.maxWait().toSeconds());
        this.wait = Duration.ofSeconds(Math.max(0, Math.min(asked, limits.maxWait().toSeconds())));
        this.hold = (int) Math.max(0, Math.min(BoshBody.number(creation, "hold", 1), limits.maxHold()));
        this.requests = hold + 1;
        this.clientAcks = "1".equals(creation.attr("ack"));
        this.creationRid = BoshBody.number(creation, "rid", -1);
        this.lastRid = creationRid;
        this.lang = creation.attr("xml:lang");
        held.put(creationRid, replyTo);
        timers.startSingleTimer("wait:" + creationRid, new WaitOver(creationRid), wait);
        open(creation.attr("to"));
    }

    /**
     * A new session for its creation request (§7.1, whose {@code rid} is valid): its stream's session starts on
     * {@code transport}, the stream opens at once, and the request is answered with the stream's features.
     */
    static Behavior<Command> create(Deps deps, String sid, Element creation, ActorRef<BoshReply> replyTo,
                                    BoshTransport transport, Function<BoshTransport, ActorRef<SessionInput>> start) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            transport.attach(ctx.getSelf());
            deps.sessions().started(sid, ctx.getSelf());
            return new BoshSession(ctx, timers, deps, sid, creation, replyTo, transport, start.apply(transport));
        }));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Request.class, this::onRequest)
            .onMessage(Out.class, this::onOut)
            .onMessage(Written.class, this::onWritten)
            .onMessage(WaitOver.class, this::onWaitOver)
            .onMessageEquals(Inactive.INSTANCE, this::onInactive)
            .onSignal(PostStop.class, s -> {
                deps.sessions().ended(sid);
                return this;
            })
            .build();
    }

    /** XEP-0206 §4 and §5: the stream's header, at creation and at each restart. */
    private void open(String to) {
        Map<String, String> attrs = new LinkedHashMap<>();
        if (to != null) {
            attrs.put("to", to);
        }
        attrs.put("version", "1.0");
        if (lang != null) {
            attrs.put("xml:lang", lang);
        }
        attrs.put("xmlns", Ns.CLIENT);
        attrs.put("xmlns:stream", Ns.STREAMS);
        stream.tell(new StreamSession.Inbound(new StreamEvent.StreamOpen(attrs)));
    }

    // ---- requests ----

    private Behavior<Command> onRequest(Request r) {
        transport.requested();
        long rid = BoshBody.number(r.body(), "rid", -1);
        if (finished) {
            r.replyTo().tell(BoshReply.terminate("item-not-found"));
            return this;
        }
        if (rid < 0) {
            return fatal("bad-request", r.replyTo());
        }
        if (rid <= lastRid) {
            return again(rid, r.replyTo());
        }
        if (rid > lastRid + Math.max(1, requests)) {
            // §14.2: outside the window; the same answer as for a rid too small, so nothing is learnt from it.
            return fatal("item-not-found", r.replyTo());
        }
        if (rid != lastRid + 1) {
            early.put(rid, r);
            return this;
        }
        Behavior<Command> next = take(r, rid);
        while (next == this && !finished && early.containsKey(lastRid + 1)) {
            Request e = early.remove(lastRid + 1);
            next = take(e, lastRid + 1);
        }
        return next;
    }

    /** §14.3: a request sent again (its connection broke): its response again, or it takes the held one's place. */
    private Behavior<Command> again(long rid, ActorRef<BoshReply> replyTo) {
        Sent s = sent.get(rid);
        if (s != null) {
            replyTo.tell(new BoshReply(s.xml(), rid, getContext().getSelf()));
        } else if (held.containsKey(rid)) {
            held.put(rid, replyTo);
        } else if (early.containsKey(rid)) {
            early.put(rid, new Request(early.get(rid).body(), replyTo));
        } else {
            return fatal("item-not-found", replyTo);
        }
        return this;
    }

    /** The next request in order. */
    private Behavior<Command> take(Request r, long rid) {
        Element body = r.body();
        lastRid = rid;
        timers.cancel(Inactive.INSTANCE);
        if (clientAcks) {
            // §9.2: 'ack' names the last response received; without it, every earlier one was.
            confirmUpTo(BoshBody.number(body, "ack", rid - 1));
        }
        List<Element> payloads = BoshBody.payloads(body);
        if ("terminate".equals(body.attr("type"))) {
            // §13: what it carries goes first, then the stream ends.
            payloads.forEach(p -> stream.tell(new StreamSession.Inbound(new StreamEvent.StanzaReceived(p))));
            stream.tell(new StreamSession.Inbound(new StreamEvent.StreamClosed()));
            new ArrayList<>(held.keySet()).forEach(this::respond);
            r.replyTo().tell(new BoshReply(BoshBody.terminate(null), rid, null));
            return finish();
        }
        long pause = BoshBody.number(body, "pause", 0);
        if (pause != 0) {
            if (pause < 0 || pause > deps.limits().maxPause().toSeconds()) {
                return fatal("policy-violation", r.replyTo());
            }
            // §11: every held request is answered now, this one without payloads, and the client may stay away.
            new ArrayList<>(held.keySet()).forEach(this::respond);
            reply(rid, r.replyTo(), List.of(), new ArrayList<>(), Map.of());
            timers.startSingleTimer(Inactive.INSTANCE, Inactive.INSTANCE, Duration.ofSeconds(pause));
            return this;
        }
        boolean restart = "true".equals(BoshBody.xbosh(body, "restart")) || "1".equals(BoshBody.xbosh(body, "restart"));
        if (hold == 0 && payloads.isEmpty() && !restart) {
            // §12: a polling session's empty requests come no faster than 'polling'.
            Instant now = deps.clock().instant();
            boolean tooSoon = lastEmptyPoll != null && lastResponseEmpty
                && Duration.between(lastEmptyPoll, now).compareTo(deps.limits().polling()) < 0;
            lastEmptyPoll = now;
            if (tooSoon) {
                return fatal("policy-violation", r.replyTo());
            }
        }
        held.put(rid, r.replyTo());
        timers.startSingleTimer("wait:" + rid, new WaitOver(rid), wait);
        if (restart) {
            open(body.attr("to"));
        }
        payloads.forEach(p -> stream.tell(new StreamSession.Inbound(new StreamEvent.StanzaReceived(p))));
        return flush();
    }

    private Behavior<Command> onWaitOver(WaitOver w) {
        if (held.containsKey(w.rid())) {
            respond(w.rid());
        }
        return afterResponses();
    }

    // ---- what the stream writes ----

    private Behavior<Command> onOut(Out o) {
        if (finished || closing != null) {
            return this; // never sent: nobody runs its 'written', so it is not taken as delivered
        }
        Object item = o.item();
        if (item instanceof StreamHeader h) {
            authid = h.id();
            return this;
        }
        if (item instanceof StreamError e) {
            // XEP-0206 §7: a stream error ends the session as a remote-stream-error carrying it.
            queue.add(new Queued(StandaloneXml.toXml(e), null));
            closing = "remote-stream-error";
            return flush();
        }
        if (item instanceof StreamClose) {
            closing = "";
            return flush();
        }
        String xml = StandaloneXml.toXml(item);
        queue.add(new Queued(xml, o.written()));
        queuedChars += xml.length();
        if (queuedChars > deps.limits().maxQueued()) {
            // A client that does not collect what it is sent is treated as a TCP client that does not read.
            return fatal("policy-violation", null);
        }
        return flush();
    }

    /** Answers held requests while there is something to send, or more are held than {@code hold}. */
    private Behavior<Command> flush() {
        while (!held.isEmpty() && (!queue.isEmpty() || closing != null || held.size() > hold)) {
            respond(held.firstKey());
        }
        return afterResponses();
    }

    private Behavior<Command> afterResponses() {
        if (finished) {
            return Behaviors.stopped();
        }
        if (held.isEmpty() && !timers.isTimerActive(Inactive.INSTANCE)) {
            timers.startSingleTimer(Inactive.INSTANCE, Inactive.INSTANCE, deps.limits().inactivity());
        }
        return this;
    }

    /** Answers the held request {@code rid} with what waits (up to the size of a stanza), or with nothing. */
    private void respond(long rid) {
        ActorRef<BoshReply> to = held.get(rid);
        List<String> payloads = new ArrayList<>();
        List<Runnable> written = new ArrayList<>();
        int size = 0;
        while (!queue.isEmpty() && (payloads.isEmpty() || size + queue.peek().xml().length() <= deps.maxResponse())) {
            Queued q = queue.poll();
            payloads.add(q.xml());
            size += q.xml().length();
            queuedChars -= q.xml().length();
            if (q.written() != null) {
                written.add(q.written());
            }
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        if (closing != null && queue.isEmpty()) {
            attrs.put("type", "terminate");
            if (!closing.isEmpty()) {
                attrs.put("condition", closing);
            }
            finished = true;
        }
        reply(rid, to, payloads, written, attrs);
    }

    private void reply(long rid, ActorRef<BoshReply> to, List<String> payloads, List<Runnable> written,
                       Map<String, String> extra) {
        held.remove(rid);
        timers.cancel("wait:" + rid);
        Map<String, String> attrs = new LinkedHashMap<>(extra);
        if (rid == creationRid) {
            attrs.putAll(creationAttributes());
        }
        String xml = BoshBody.response(attrs, payloads);
        sent.put(rid, new Sent(xml, written));
        while (sent.size() > requests + 1) {
            Iterator<Long> oldest = sent.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        lastResponseEmpty = payloads.isEmpty();
        to.tell(new BoshReply(xml, rid, getContext().getSelf()));
        if (finished) {
            end();
        }
    }

    /** §7.1 and XEP-0206 §3: the session's terms, in the answer to its creation request. */
    private Map<String, String> creationAttributes() {
        HttpSettings.Bosh limits = deps.limits();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("sid", sid);
        a.put("wait", Long.toString(wait.toSeconds()));
        a.put("requests", Integer.toString(Math.max(1, requests)));
        a.put("hold", Integer.toString(hold));
        a.put("inactivity", Long.toString(limits.inactivity().toSeconds()));
        a.put("polling", Long.toString(limits.polling().toSeconds()));
        a.put("maxpause", Long.toString(limits.maxPause().toSeconds()));
        a.put("ver", "1.11");
        a.put("from", deps.domain());
        a.put("secure", "true");
        a.put("authid", authid);
        a.put("xmpp:version", "1.0");
        a.put("xmpp:restartlogic", "true");
        return a;
    }

    // ---- delivery ----

    /** The response to {@code rid} reached the client's connection (unless the client acknowledges itself). */
    private Behavior<Command> onWritten(Written w) {
        if (!clientAcks) {
            Sent s = sent.get(w.rid());
            if (s != null) {
                s.written().forEach(Runnable::run);
                s.written().clear();
            }
        }
        return this;
    }

    private void confirmUpTo(long ack) {
        sent.forEach((rid, s) -> {
            if (rid <= ack) {
                s.written().forEach(Runnable::run);
                s.written().clear();
            }
        });
    }

    // ---- the end ----

    /** §11: no request for the inactivity period (or the pause asked for): the client is gone. */
    private Behavior<Command> onInactive() {
        if (!held.isEmpty() || finished) {
            return this;
        }
        finished = true;
        end();
        return Behaviors.stopped();
    }

    /** A terminal binding error (§17): every held request, and this one, get it; the stream's transport is gone. */
    private Behavior<Command> fatal(String condition, ActorRef<BoshReply> replyTo) {
        String xml = BoshBody.terminate(condition);
        held.values().forEach(h -> h.tell(new BoshReply(xml, 0, null)));
        held.clear();
        if (replyTo != null) {
            replyTo.tell(new BoshReply(xml, 0, null));
        }
        return finish();
    }

    private Behavior<Command> finish() {
        finished = true;
        end();
        return Behaviors.stopped();
    }

    /** The stream's session learns its transport is gone, as when a TCP connection closes. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        stream.tell(StreamSession.TransportClosed.INSTANCE);
        early.values().forEach(e -> e.replyTo().tell(BoshReply.terminate("item-not-found")));
        early.clear();
    }
}
