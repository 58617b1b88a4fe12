package chorus.actors.feature.mam;

import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.StanzaError;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * A parsed archive query (XEP-0313 §4.1): the form's filters as an archive-id range and a {@code with}
 * address, and the XEP-0059 page asked for. Archive ids are decimal numbers that grow with time:
 * {@code millis * 1000 + n}, so a time filter is an id range.
 *
 * @param after    page forward from after this id (exclusive), or null
 * @param before   page backward from before this id (exclusive), or null
 * @param lastPage {@code <before/>} empty: the last page
 */
public record MamRequest(String queryId, Jid with, long lo, long hi, Long after, Long before, boolean lastPage,
                         int max) {
    public static final String RSM = "http://jabber.org/protocol/rsm";

    /** A query the server refuses, with the error it answers. */
    public static final class Invalid extends Exception {
        private final StanzaError.Condition condition;

        Invalid(StanzaError.Condition condition, String text) {
            super(text, null, false, false);
            this.condition = condition;
        }

        public StanzaError error() {
            return StanzaError.of(condition, getMessage());
        }
    }

    /** The lowest id archived at or after this instant. */
    public static long firstIdAt(Instant t) {
        return t.toEpochMilli() * 1000;
    }

    /** Whether the other party of an archived message matches the {@code with} filter (§4.1.1). */
    public boolean withMatches(String other) {
        if (with == null) {
            return true;
        }
        Jid o = Jid.parseOrNull(other);
        if (o == null) {
            return false;
        }
        if (with.resource() != null) {
            return with.equals(o);
        }
        return with.local() == null ? with.domain().equals(o.domain()) : with.equals(o.bare());
    }

    public static MamRequest parse(Iq iq, MamSettings settings) throws Invalid {
        Element q = iq.payload().orElseThrow();
        Jid with = null;
        long lo = 0;
        long hi = Long.MAX_VALUE;
        Element x = q.child("x", DataForm.NS).orElse(null);
        if (x != null) {
            for (Map.Entry<String, List<String>> f : DataForm.values(x).entrySet()) {
                String v = f.getValue().isEmpty() ? "" : f.getValue().get(0).trim();
                switch (f.getKey()) {
                    case "FORM_TYPE":
                        if (!v.equals(MamHandler.NS)) {
                            throw bad("FORM_TYPE must be " + MamHandler.NS);
                        }
                        break;
                    case "with":
                        with = Jid.parseOrNull(v);
                        if (with == null) {
                            throw bad("with is not an address");
                        }
                        break;
                    case "start":
                        lo = Math.max(lo, firstIdAt(instant(v)));
                        break;
                    case "end":
                        hi = Math.min(hi, firstIdAt(instant(v)) + 999);
                        break;
                    case "after-id":
                        lo = Math.max(lo, id(v) + 1);
                        break;
                    case "before-id":
                        hi = Math.min(hi, id(v) - 1);
                        break;
                    default:
                        throw bad("unsupported field " + f.getKey());
                }
            }
        }
        Long after = null;
        Long before = null;
        boolean last = false;
        int max = settings.defaultPageSize();
        Element set = q.child("set", RSM).orElse(null);
        if (set != null) {
            if (set.child("index", RSM).isPresent()) {
                throw new Invalid(StanzaError.Condition.FEATURE_NOT_IMPLEMENTED, "paging by index is not supported");
            }
            String m = set.childText("max", RSM).orElse(null);
            if (m != null) {
                try {
                    max = Integer.parseInt(m.trim());
                } catch (NumberFormatException e) {
                    throw bad("max is not a number");
                }
                if (max < 0) {
                    throw bad("max is negative");
                }
            }
            String a = set.childText("after", RSM).orElse(null);
            Element b = set.child("before", RSM).orElse(null);
            if (a != null && b != null) {
                throw bad("after and before together");
            }
            if (a != null) {
                after = id(a.trim());
            }
            if (b != null) {
                if (b.text().isBlank()) {
                    last = true;
                } else {
                    before = id(b.text().trim());
                }
            }
        }
        // Like Prosody: a larger page is cut to the limit, not refused.
        max = Math.min(max, settings.maxPageSize());
        return new MamRequest(q.attr("queryid"), with, lo, hi, after, before, last, max);
    }

    private static Instant instant(String v) throws Invalid {
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw bad("not a XEP-0082 date-time: " + v);
        }
    }

    /** An archive id; a string that cannot be one names no message (XEP-0059 §2.6: item-not-found). */
    static long id(String v) throws Invalid {
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Invalid(StanzaError.Condition.ITEM_NOT_FOUND, "no such archived message");
    }

    private static Invalid bad(String text) {
        return new Invalid(StanzaError.Condition.BAD_REQUEST, text);
    }
}
