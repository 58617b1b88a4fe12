package chorus.actors.xmpp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * XEP-0059 Result Set Management over items ordered by a string key (a room's address, say): the
 * request's {@code <set/>} ({@code max}, {@code after}, {@code before}, an empty {@code before} for the last
 * page, {@code index}) and the page it asks for, never more than a cap, with the answer's {@code <set/>}
 * ({@code first} with its index, {@code last}, {@code count}). Keys are positions: {@code after} a key that
 * is gone still means "the items after it".
 */
public final class ResultSet {
    public static final String NS = "http://jabber.org/protocol/rsm";

    /** What a {@code <set/>} asked for; every field null when there was none. */
    public record Request(Integer max, String after, String before, boolean lastPage, Integer index) {
        public static final Request NONE = new Request(null, null, null, false, null);

        /** Reads the {@code <set/>} of a query; bad values are bad-request. */
        public static Request of(Element query) {
            Element set = query.child("set", NS).orElse(null);
            if (set == null) {
                return NONE;
            }
            Integer max = number(set.childText("max", NS).orElse(null), "max");
            Integer index = number(set.childText("index", NS).orElse(null), "index");
            String after = set.childText("after", NS).orElse(null);
            Element before = set.child("before", NS).orElse(null);
            if (after != null && before != null) {
                throw new StanzaException(StanzaError.Condition.BAD_REQUEST, "after and before together");
            }
            boolean last = before != null && before.text().isEmpty();
            return new Request(max, after, last ? null : before == null ? null : before.text(), last, index);
        }

        private static Integer number(String s, String what) {
            if (s == null) {
                return null;
            }
            try {
                int v = Integer.parseInt(s.trim());
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new StanzaException(StanzaError.Condition.BAD_REQUEST, what + " must be a number of 0 or more");
            }
        }
    }

    /** One page: its items, the index of the first in the whole list, and the whole list's count. */
    public record Page<T>(List<Map.Entry<String, T>> items, int firstIndex, int count, boolean limited) {

        /** The answer's {@code <set/>}: first (with its index), last and count; only count for an empty page. */
        public Element set() {
            Element.Builder b = Element.build("set", NS);
            if (!items.isEmpty()) {
                b.child(Element.build("first", NS).attr("index", Integer.toString(firstIndex))
                    .text(items.get(0).getKey()).get());
                b.child(Element.build("last", NS).text(items.get(items.size() - 1).getKey()).get());
            }
            return b.child(Element.build("count", NS).text(Integer.toString(count)).get()).get();
        }
    }

    private ResultSet() {
    }

    /** The page of {@code all} (in key order) that {@code r} asks for, at most {@code cap} items. */
    public static <T> Page<T> page(NavigableMap<String, T> all, Request r, int cap) {
        int max = r.max() == null ? cap : Math.min(r.max(), cap);
        List<Map.Entry<String, T>> entries = new ArrayList<>(all.entrySet());
        int from;
        int to;
        if (r.lastPage()) {
            to = entries.size();
            from = Math.max(0, to - max);
        } else if (r.before() != null) {
            to = all.headMap(r.before(), false).size();
            from = Math.max(0, to - max);
        } else if (r.after() != null) {
            from = all.headMap(r.after(), true).size();
            to = Math.min(entries.size(), from + max);
        } else {
            from = r.index() == null ? 0 : Math.min(r.index(), entries.size());
            to = Math.min(entries.size(), from + max);
        }
        boolean limited = r.max() != null || entries.size() > max;
        return new Page<>(List.copyOf(entries.subList(from, to)), from, entries.size(), limited);
    }
}
