package chorus.node.session;

import chorus.actors.feature.carbons.Carbons;
import chorus.actors.feature.fast.FastFeature;
import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.JidMalformedException;
import chorus.node.config.C2sSettings;
import chorus.node.sasl.SaslFailure;
import chorus.node.sasl.SaslStep;
import chorus.node.sasl2.Bind2Request;
import chorus.node.sasl2.Sasl2Request;
import chorus.node.sasl2.Sasl2Wire;
import chorus.node.stream.StreamErrors;
import chorus.node.xmppstream.StreamOpening;
import org.apache.pekko.actor.typed.Behavior;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What follows a successful SASL2 authentication (XEP-0388 §2.6.1): the stream is not restarted, and what the client
 * asked for inline happens before {@code <success/>} goes out, which then carries the results. First a XEP-0198
 * resumption ({@link Resumption}, its {@code <resumed/>} or {@code <failed/>}); when there was none or it failed, a
 * Bind 2 binding (XEP-0386 §4): the resource from the client's tag and user-agent, carbons (XEP-0280) and the
 * inactive state (XEP-0352) from the start, and XEP-0198 enabled ({@code <enabled/>} inside {@code <bound/>}). A
 * success without Bind 2 leaves the stream authenticated for RFC 6120 resource binding. A client that asked for a
 * XEP-0484 FAST token gets one in {@code <success/>}, its hash kept by the account's {@link FastFeature} first.
 */
final class Sasl2Login {

    /** The account's entity answered the Bind 2 request. */
    record Bound(UserEntity.BindReply reply, Throwable failure, BindQuestion question) implements StreamSession.Local {
    }

    /** The account's entity kept the hash of a new FAST token (XEP-0484). */
    record TokenKept(FastFeature.Issued reply, Throwable failure, String token, java.time.Instant expires)
        implements StreamSession.Local {
        /** Never prints the token. */
        @Override
        public String toString() {
            return "TokenKept";
        }
    }

    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StreamSession session;
    /** The login being completed: the mechanism's success, the request, and what goes into {@code <success/>}. */
    private SaslStep.Success success;
    private Sasl2Request request;
    private final List<Element> inline = new ArrayList<>();

    Sasl2Login(StreamSession session) {
        this.session = session;
    }

    /** The stream features' {@code <authentication/>} for this stream (§2.1). */
    Element feature(List<String> mechanisms) {
        boolean sm = session.node.c2s().sm().enabled() && session.transport.offersStreamManagement();
        return Sasl2Wire.feature(mechanisms, session.node.sasl2(), sm, fastMechanisms());
    }

    /** The FAST mechanisms this connection offers. */
    List<String> fastMechanisms() {
        return session.node.sasl2().fastMechanisms(session.transport.channelBindings(),
            session.node.sasl().settings().channelBinding());
    }

    /** The mechanism accepted the client: authenticated now, and the inline requests are next. */
    void succeeded(SaslStep.Success s, Sasl2Request r) {
        success = s;
        request = r;
        inline.clear();
        session.user = s.account();
        session.entity = session.node.accounts().apply(s.account().toString());
        session.phase = Phase.BIND;
        if (wantsToken(r)) {
            issueToken(r);
            return;
        }
        afterAuthentication();
    }

    /**
     * XEP-0484 §4: a client that names itself (user-agent id) may ask for a token of a mechanism offered here.
     * The token goes into {@code <success/>}; its hash is kept first, so that the token works once the client has it.
     */
    private boolean wantsToken(Sasl2Request r) {
        return r.requestToken() != null && r.agentId() != null
            && fastMechanisms().contains(r.requestToken());
    }

    private void issueToken(Sasl2Request r) {
        byte[] raw = new byte[60];
        RANDOM.nextBytes(raw);
        // 80 characters: longer than HMAC-SHA-256's 64-byte block, so the stored hash keys the same HMAC (RFC 2104 §2).
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        java.time.Instant now = session.node.clock().instant();
        java.time.Instant expires = now.plus(session.node.sasl2().fast().lifetime()).truncatedTo(ChronoUnit.SECONDS);
        byte[] key = sha256(token.getBytes(StandardCharsets.UTF_8));
        String client = HexFormat.of().formatHex(sha256(r.agentId().getBytes(StandardCharsets.UTF_8)));
        session.ctx().ask(FastFeature.Issued.class, session.entity, BIND_TIMEOUT,
            replyTo -> new FastFeature.Issue(key, r.requestToken(), client, now, expires, replyTo),
            (reply, failure) -> new TokenKept(reply, failure, token, expires));
    }

    Behavior<SessionInput> onTokenKept(TokenKept k) {
        if (session.phase != Phase.BIND || request == null) {
            return session;
        }
        if (k.failure() == null) {
            inline.add(Element.build("token", Sasl2Wire.FAST).attr("expiry", k.expires().toString())
                .attr("token", k.token()).get());
        }
        // A token that could not be kept is not given: the login goes on without one.
        afterAuthentication();
        return session;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the client asked for inline, once authenticated: resumption first, else Bind 2. */
    private void afterAuthentication() {
        Sasl2Request r = request;
        if (r.resume() != null) {
            session.resumption.onResume(r.resume(), this::resumeAnswered);
            return;
        }
        bindOrFinish();
    }

    /** XEP-0198 inline: {@code <resumed/>} ends the login; after {@code <failed/>} Bind 2 may still bind. */
    private void resumeAnswered(Element answer) {
        inline.add(answer);
        if (answer.name().equals("resumed")) {
            // Resumption sends the unacknowledged stanzas again right after this, and what came early.
            finish();
            return;
        }
        bindOrFinish();
    }

    private void bindOrFinish() {
        Bind2Request b = request.bind();
        if (b == null) {
            finish();
            return;
        }
        String resource = b.resource(request.agentId(), StreamOpening.random(6));
        try {
            session.user.withResource(resource);
        } catch (JidMalformedException e) {
            // A tag that cannot be part of a resource: the server's own name for it (§4: the server picks).
            resource = new Bind2Request(null, b.carbons(), b.inactive(), b.smEnable()).resource(null, StreamOpening.random(6));
        }
        String chosen = resource;
        // The same client (same user-agent id) logging in again takes its resource over, whatever the setting.
        boolean kickOld = request.agentId() != null
            || session.node.c2s().resourceConflict() == C2sSettings.ResourceConflict.KICK_OLD;
        Set<String> interests = b.carbons() && session.node.sasl2().carbons() ? Set.of(Carbons.NS) : Set.of();
        new BindQuestion(session,
            replyTo -> new UserEntity.Bind(chosen, session.self(), kickOld, null, false,
                session.node.c2s().sessionLimits().maxSessionsPerAccount(), replyTo, interests),
            Bound::new).ask();
    }

    Behavior<SessionInput> onBound(Bound b) {
        if (session.phase != Phase.BIND || request == null) {
            return session;
        }
        if (b.failure() != null && b.question().unanswered()) {
            return session;
        }
        if (b.failure() != null) {
            return refuse(SaslFailure.TEMPORARY_AUTH_FAILURE, "binding took too long; try again");
        }
        if (b.reply() instanceof UserEntity.BindReply.Refused r) {
            if ("not-authorized".equals(r.condition())) {
                return session.fail(StreamErrors.NOT_AUTHORIZED, "the account is gone");
            }
            return refuse(SaslFailure.TEMPORARY_AUTH_FAILURE, "cannot bind a resource: " + r.condition());
        }
        UserEntity.BindReply.Bound bound = (UserEntity.BindReply.Bound) b.reply();
        session.jid = bound.jid();
        session.bound.begin(bound.entity());
        Bind2Request bind = request.bind();
        Element.Builder boundEl = Element.build("bound", Sasl2Wire.BIND2);
        if (bind.smEnable() != null) {
            boundEl.child(session.acks.enable(bind.smEnable()));
        }
        if (bind.inactive() && session.node.sasl2().csi()) {
            session.extensions.element(Element.of("inactive", Sasl2Wire.CSI));
        }
        inline.add(boundEl.get());
        finish();
        session.bound.deliverEarly();
        return session;
    }

    /**
     * The binding failed although the password was right: the client hears a SASL2 failure (§2.6.2) and may
     * authenticate again on this stream.
     */
    private Behavior<SessionInput> refuse(SaslFailure condition, String text) {
        session.user = null;
        session.entity = null;
        session.phase = Phase.AUTH;
        request = null;
        success = null;
        session.out.send(Sasl2Wire.element(new SaslStep.Failure(condition, text)));
        return session;
    }

    /** §2.6.1: {@code <success/>}, with the full JID once bound or resumed. */
    private void finish() {
        String aid = session.jid != null ? session.jid.toString() : session.user.toString();
        session.out.send(Sasl2Wire.success(success.additionalData(), aid, List.copyOf(inline)));
        request = null;
        success = null;
        inline.clear();
    }
}
