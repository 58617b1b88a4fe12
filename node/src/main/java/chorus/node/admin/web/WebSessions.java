package chorus.node.admin.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logged-in browsers, in memory only: a random session id in an HttpOnly, SameSite=Strict cookie, a CSRF
 * token that every form carries, and a one-time message for the next page. Idle sessions end after
 * {@link #IDLE}; at most {@link #MAX} exist (the oldest goes first).
 */
final class WebSessions {
    static final String COOKIE = "chorus_admin";
    static final Duration IDLE = Duration.ofMinutes(30);
    static final int MAX = 256;

    /** One browser's session; {@code who} is "admin token" or the admin account's address. */
    static final class Session {
        final String id;
        final String csrf;
        final String who;
        Instant seen;
        String flash;

        Session(String id, String csrf, String who, Instant seen) {
            this.id = id;
            this.csrf = csrf;
            this.who = who;
            this.seen = seen;
        }

        /** The message for the next page, once. */
        String takeFlash() {
            String f = flash;
            flash = null;
            return f;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    WebSessions(Clock clock) {
        this.clock = clock;
    }

    synchronized Session create(String who) {
        expire();
        while (sessions.size() >= MAX) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Session s = new Session(token(), token(), who, clock.instant());
        sessions.put(s.id, s);
        return s;
    }

    /** The session a Cookie header names, if it is live; its idle time starts again. */
    synchronized Session find(String cookieHeader) {
        expire();
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                Session s = sessions.get(p.substring(COOKIE.length() + 1));
                if (s != null) {
                    s.seen = clock.instant();
                    return s;
                }
            }
        }
        return null;
    }

    synchronized void end(Session s) {
        sessions.remove(s.id);
    }

    private void expire() {
        Instant cutoff = clock.instant().minus(IDLE);
        sessions.values().removeIf(s -> s.seen.isBefore(cutoff));
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String cookie(Session s) {
        return COOKIE + "=" + s.id + "; Path=/admin; HttpOnly; SameSite=Strict";
    }

    static String expiredCookie() {
        return COOKIE + "=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0";
    }
}
