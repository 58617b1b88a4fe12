package chorus.actors.feature.push;

import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.Requester;
import chorus.actors.feature.Resource;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.StanzaError;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Push in one account's entity. A client of the account enables or disables push (XEP-0357 §5, §6), persisted
 * in the account's {@link PushRegistrations}. A message that counts ({@link Notification#counts}) and that the
 * registration's client cannot read now — it is not bound, not available, or its session says it is quiet
 * (XEP-0198 detached, XEP-0352 inactive) — notifies the app server (§7), through the router wherever it is.
 *
 * <p>One notification per registration is on its way at a time: messages that come meanwhile are told in one
 * more notification once the app server answered (a throttle, as Prosody's mod_cloud_notify has). An error
 * answer (but a temporary one, type 'wait'), or none within the answer timeout, counts against the registration;
 * after {@code maxFailures} in a row it is disabled without telling the client (Prosody's mod_cloud_notify after
 * push_max_errors, ejabberd's mod_push at the first error that is not 'wait'). Live state (counts, failures) is not persisted: an entity
 * that restarts starts counting again.
 */
final class PushHooks implements AccountHooks {
    private final AccountContext ctx;
    private final PushSettings settings;
    /** Per registration (app server and node): what is on its way and what waits. At most one per registration. */
    private final Map<String, Live> live = new HashMap<>();
    private long nextId = 1;

    /** A registration's notifications as they stand. */
    private static final class Live {
        /** Messages that counted since its client last read (the summary's message-count). */
        int unseen;
        /** Messages came since the notification on its way was sent: one more goes once it is answered. */
        boolean waiting;
        Jid lastSender;
        /** The last body, kept only for a registration that asked for bodies. */
        String lastBody;
        /** The id of the notification on its way, or null. */
        String inFlight;
        int failures;
    }

    PushHooks(AccountContext ctx, PushSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    @Override
    public boolean owns(Iq request, Requester requester) {
        return request.payloadIs(Notification.NS, "enable") || request.payloadIs(Notification.NS, "disable");
    }

    /** §5, §6: a client of the account enables or disables push for itself; nobody else may. */
    @Override
    public Decision handle(Iq request, Requester requester, AccountData data) {
        if (!requester.ownSession()) {
            return Decision.then(d -> ctx.route(request.error(StanzaError.of(StanzaError.Condition.NOT_ALLOWED,
                "push is enabled by a client of the account for itself"))));
        }
        Resource client = requester.session();
        Element payload = request.payload().orElseThrow();
        StanzaError refused = check(request, payload);
        if (refused != null) {
            return Decision.then(d -> client.send(request.error(refused)));
        }
        Jid service = Jid.parse(payload.attr("jid"));
        String node = payload.attr("node");
        if (payload.name().equals("disable")) {
            return Decision.persist(List.of(new PushDisabled(service, node)), d -> {
                keepLiveOf(d);
                client.send(request.result());
            });
        }
        PushRegistration r = new PushRegistration(service, node, Notification.options(payload), client.jid().resource());
        live.remove(key(r));
        return Decision.persist(List.of(new PushEnabled(r, settings.maxPerAccount())), d -> {
            keepLiveOf(d);
            client.send(request.result());
        });
    }

    /** Live state is kept for the registrations there are, no others (a dropped or disabled one's goes). */
    private void keepLiveOf(AccountData data) {
        Set<String> keys = new HashSet<>();
        data.slice(PushRegistrations.KEY).all().forEach(r -> keys.add(key(r)));
        live.keySet().retainAll(keys);
    }

    /** What is wrong with an enable or disable request, or null. */
    private StanzaError check(Iq request, Element payload) {
        if (request.type() != Iq.Type.SET) {
            return StanzaError.of(StanzaError.Condition.BAD_REQUEST, "enable and disable are set requests");
        }
        String jid = payload.attr("jid");
        if (jid == null) {
            return StanzaError.of(StanzaError.Condition.BAD_REQUEST, "the app server's jid is missing");
        }
        try {
            Jid.parse(jid);
        } catch (IllegalArgumentException e) {
            return StanzaError.of(StanzaError.Condition.JID_MALFORMED, "the app server's jid is malformed");
        }
        if (payload.name().equals("enable")) {
            String node = payload.attr("node");
            if (node == null || node.isEmpty()) {
                return StanzaError.of(StanzaError.Condition.BAD_REQUEST, "enable needs a node (XEP-0357 §5)");
            }
            Element options = Notification.options(payload);
            if (options != null && options.weight() + node.length() > settings.maxOptionsSize()) {
                return StanzaError.of(StanzaError.Condition.NOT_ACCEPTABLE,
                    "publish options larger than " + settings.maxOptionsSize() + " characters");
            }
        }
        return null;
    }

    /** §7: each registration whose client cannot read this message now hears of it. */
    @Override
    public Message deliver(Message m, AccountData data) {
        if (!Notification.counts(m)) {
            return m;
        }
        for (PushRegistration r : data.slice(PushRegistrations.KEY).all()) {
            if (m.to() instanceof FullJid full && !full.resource().equals(r.resource()) && bound(full.resource())) {
                // To another of the account's clients by name: not this one's message.
                continue;
            }
            Live l = live.computeIfAbsent(key(r), k -> new Live());
            if (reads(r.resource())) {
                l.unseen = 0;
                continue;
            }
            l.unseen++;
            l.lastSender = m.from();
            l.lastBody = r.wantsBody() ? m.body() : null;
            if (l.inFlight == null) {
                send(r, l);
            } else {
                l.waiting = true;
            }
        }
        return m;
    }

    /** The client is back and available: it reads what came (the count starts again). */
    @Override
    public void resourcePresence(FullJid resource, Presence presence, boolean announced, AccountData data) {
        for (PushRegistration r : data.slice(PushRegistrations.KEY).all()) {
            Live l = live.get(key(r));
            if (l != null && r.resource().equals(resource.resource())) {
                l.unseen = 0;
            }
        }
    }

    /** The app server answered a notification: a result clears its failures, an error counts as one. */
    @Override
    public boolean answer(Iq response, AccountData data) {
        for (PushRegistration r : data.slice(PushRegistrations.KEY).all()) {
            Live l = live.get(key(r));
            if (l != null && response.id() != null && response.id().equals(l.inFlight)
                && r.service().equals(response.from())) {
                l.inFlight = null;
                if (response.type() == Iq.Type.RESULT) {
                    l.failures = 0;
                    sendWaiting(r, l);
                } else if (temporary(response)) {
                    // RFC 6120 §8.3.2: 'wait', retry later; Prosody and ejabberd do not count these either.
                    sendWaiting(r, l);
                } else {
                    failed(r, l);
                }
                return true;
            }
        }
        return false;
    }

    @Override
    public void erase() {
        live.clear();
    }

    private void send(PushRegistration r, Live l) {
        String id = "push-" + (nextId++) + "-" + Long.toHexString(ctx.clock().millis());
        l.inFlight = id;
        l.waiting = false;
        String body = l.lastBody;
        l.lastBody = null;
        ctx.route(Notification.publish(ctx.account(), r, id, l.unseen, l.lastSender, body));
        CompletableFuture<Void> timeout = new CompletableFuture<Void>()
            .completeOnTimeout(null, settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.pipe(timeout, (v, t) -> timedOut(r, id));
    }

    private Decision timedOut(PushRegistration r, String id) {
        Live l = live.get(key(r));
        if (l == null || !id.equals(l.inFlight)) {
            return Decision.none();
        }
        l.inFlight = null;
        return failedDecision(r, l);
    }

    private void failed(PushRegistration r, Live l) {
        Decision d = failedDecision(r, l);
        if (!d.events().isEmpty()) {
            ctx.pipe(CompletableFuture.completedFuture(null), (v, t) -> d);
        }
    }

    /** One more failure: the registration is disabled after too many in a row (its client is not told). */
    private Decision failedDecision(PushRegistration r, Live l) {
        l.failures++;
        if (l.failures >= settings.maxFailures()) {
            live.remove(key(r));
            return Decision.persist(List.of(new PushDisabled(r.service(), r.node())), d -> { });
        }
        sendWaiting(r, l);
        return Decision.none();
    }

    private void sendWaiting(PushRegistration r, Live l) {
        if (l.waiting) {
            send(r, l);
        }
    }

    /** Whether the client of this resource reads what reaches it now. */
    private boolean reads(String resource) {
        for (Resource res : ctx.resources()) {
            if (res.jid().resource().equals(resource)) {
                return res.available() && !res.quiet();
            }
        }
        return false;
    }

    private boolean bound(String resource) {
        for (Resource res : ctx.resources()) {
            if (res.jid().resource().equals(resource)) {
                return true;
            }
        }
        return false;
    }

    private static boolean temporary(Iq error) {
        return error.child("error", Ns.CLIENT).map(e -> "wait".equals(e.attr("type"))).orElse(false);
    }

    private static String key(PushRegistration r) {
        return r.service() + " " + r.node();
    }
}
