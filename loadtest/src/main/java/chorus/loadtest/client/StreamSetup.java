package chorus.loadtest.client;

import chorus.loadtest.xml.XmlElement;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The setup of one {@link XmppSession}'s stream, step by step as the server answers (RFC 6120 §5-7): STARTTLS and the
 * TLS handshake, the SASL exchange ({@link SaslExchange}), resource binding and, where the server needs it, the old
 * session request (RFC 3921 §3); or in-band registration (XEP-0077) instead. It advances the session's phase; the
 * session dispatches each element of the server to the step its phase waits for.
 */
final class StreamSetup {
    private final XmppSession session;
    /** The server offered the session request without {@code <optional/>}: it is sent after binding. */
    private boolean sessionWanted;
    /** The server offered XEP-0198 with the features after authentication. */
    private boolean smOffered;

    StreamSetup(XmppSession session) {
        this.session = session;
    }

    void features(XmlElement f) {
        if (!f.is("features", Ns.STREAMS)) {
            session.fail("unexpected:" + f.name());
            return;
        }
        if (!session.secured && session.config.tls() != TlsMode.NONE) {
            if (f.child("starttls", Ns.TLS) == null) {
                session.fail("no-starttls");
                return;
            }
            session.phase = XmppSession.Phase.STARTTLS;
            session.send(Stanzas.STARTTLS);
            return;
        }
        if (session.purpose == XmppSession.Purpose.REGISTER) {
            session.phase = XmppSession.Phase.REGISTER;
            session.send(Stanzas.register("reg1", session.account.username(), session.account.password()));
            return;
        }
        if (!session.authenticated) {
            session.phase = XmppSession.Phase.AUTH;
            session.sasl = SaslExchange.start(session, f, session.account, session.config);
            return;
        }
        if (f.child("bind", Ns.BIND) == null) {
            session.fail("no-bind");
            return;
        }
        XmlElement offered = f.child("session", Ns.SESSION);
        // RFC 3921 §3 sessions: needed only when offered without <optional/> (RFC 6121 Appendix E).
        sessionWanted = offered != null && offered.child("optional", Ns.SESSION) == null;
        smOffered = f.child("sm", StreamManagement.NS) != null;
        session.phase = XmppSession.Phase.BIND;
        session.send(Stanzas.bind("bind1", "lt" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)));
    }

    void proceed(XmlElement e) {
        if (!e.is("proceed", Ns.TLS)) {
            session.fail("starttls-refused");
            return;
        }
        // RFC 6120 §5.4.3.3: everything after <proceed/> is TLS.
        SslHandler ssl = session.tls.newHandler(session.channel);
        session.channel.pipeline().addFirst("tls", ssl);
        afterHandshake(ssl);
    }

    /** Direct TLS or STARTTLS: a new stream once the handshake is done (RFC 6120 §5.4.3.3). */
    void afterHandshake(SslHandler ssl) {
        session.phase = XmppSession.Phase.TLS;
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                if (session.config.websocket()) {
                    return; // the HTTP upgrade follows; userEventTriggered opens the stream
                }
                session.tlsAt = System.nanoTime();
                session.secured = true;
                session.openStream();
            } else {
                session.fail("tls");
            }
        });
    }

    void bound(XmlElement iq) {
        if (!iq.is("iq", Ns.CLIENT) || !"bind1".equals(iq.attr("id"))) {
            return;
        }
        if (!"result".equals(iq.attr("type"))) {
            session.fail("bind:" + XmppSession.errorCondition(iq));
            return;
        }
        XmlElement bind = iq.child("bind", Ns.BIND);
        session.fullJid = bind == null ? null : bind.childText("jid");
        if (session.fullJid == null) {
            session.fail("bind:no-jid");
            return;
        }
        if (sessionWanted) {
            session.phase = XmppSession.Phase.SESSION;
            session.send(Stanzas.session("sess1"));
            return;
        }
        bound();
    }

    void session(XmlElement iq) {
        if (!iq.is("iq", Ns.CLIENT) || !"sess1".equals(iq.attr("id"))) {
            return;
        }
        if (!"result".equals(iq.attr("type"))) {
            session.fail("session:" + XmppSession.errorCondition(iq));
            return;
        }
        bound();
    }

    void registered(XmlElement iq) {
        if (!iq.is("iq", Ns.CLIENT) || !"reg1".equals(iq.attr("id"))) {
            return;
        }
        String condition = "result".equals(iq.attr("type")) ? null : XmppSession.errorCondition(iq);
        if (condition != null && !condition.equals("conflict")) {
            session.fail("register:" + condition);
            return;
        }
        session.existed = condition != null;
        session.readyAt = System.nanoTime();
        session.phase = XmppSession.Phase.READY;
        session.ready.complete(session);
    }

    /** Bound (and the session opened): enables XEP-0198 first when the run wants it (§3). */
    void bound() {
        if (!session.config.streamManagement()) {
            becomeReady();
        } else if (!smOffered) {
            session.fail("sm-not-offered");
        } else {
            session.phase = XmppSession.Phase.SM;
            session.send(StreamManagement.ENABLE);
        }
    }

    /** XEP-0198 §3: {@code <enabled/>}, or {@code <failed/>}. */
    void smAnswer(XmlElement e) {
        if (e.is("enabled", StreamManagement.NS)) {
            session.smEnabled();
            becomeReady();
        } else if (e.is("failed", StreamManagement.NS)) {
            session.fail("sm-failed");
        }
    }

    void becomeReady() {
        session.readyAt = System.nanoTime();
        session.phase = XmppSession.Phase.READY;
        session.ready.complete(session);
    }
}
