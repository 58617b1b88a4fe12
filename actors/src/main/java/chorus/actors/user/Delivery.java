package chorus.actors.user;

import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** RFC 6121 §8.5.2: which of the user's resources get a message addressed to the bare JID. */
final class Delivery {
    private Delivery() {
    }

    /**
     * RFC 6121 §8.5: the resources a message to the account is handed to now. To a bound resource: that one. To an
     * absent resource: chat and normal as to the bare JID (§8.5.3.2.1), nothing else. To the bare JID: see
     * {@link #messageToBare}. Empty: the message is stored, bounced or dropped, as its type says.
     */
    static List<LiveSession> recipients(Message m, Map<String, LiveSession> sessions) {
        if (m.to() instanceof FullJid full) {
            LiveSession target = sessions.get(full.resource());
            if (target != null) {
                return List.of(target);
            }
            if (m.type() != Message.Type.CHAT && m.type() != Message.Type.NORMAL) {
                return List.of();
            }
        }
        return messageToBare(m.type(), sessions.values());
    }

    /**
     * RFC 6121 §8.5.2.1.1: chat and normal go to the available resources with the highest non-negative
     * priority (all of them when several share it); headline to every non-negative resource.
     * Groupchat and error are never delivered to a bare JID. An empty result means "no resource".
     */
    static List<LiveSession> messageToBare(Message.Type type, Collection<LiveSession> sessions) {
        List<LiveSession> out = new ArrayList<>();
        switch (type) {
            case CHAT:
            case NORMAL: {
                int best = -1;
                for (LiveSession s : sessions) {
                    if (s.available() && s.priority() >= 0 && s.priority() > best) {
                        best = s.priority();
                    }
                }
                if (best < 0) {
                    return out;
                }
                for (LiveSession s : sessions) {
                    if (s.available() && s.priority() == best) {
                        out.add(s);
                    }
                }
                return out;
            }
            case HEADLINE:
                for (LiveSession s : sessions) {
                    if (s.available() && s.priority() >= 0) {
                        out.add(s);
                    }
                }
                return out;
            default:
                return out;
        }
    }

    /** Presence to the bare JID goes to every available resource (RFC 6121 §8.5.2.1.2). */
    static List<LiveSession> available(Collection<LiveSession> sessions) {
        List<LiveSession> out = new ArrayList<>();
        for (LiveSession s : sessions) {
            if (s.available()) {
                out.add(s);
            }
        }
        return out;
    }
}
