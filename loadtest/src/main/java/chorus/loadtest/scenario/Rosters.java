package chorus.loadtest.scenario;

import chorus.loadtest.client.Accounts;
import chorus.loadtest.client.Ns;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.xml.XmlElement;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is whose contact, and what each user's roster says about it. The contacts form a ring: user i's
 * contacts are the K/2 users on either side, so each has K. Mutual subscriptions are made with the
 * RFC 6121 §3 protocol; every simulated client approves a request from an expected contact and asks
 * back, and follows its roster through results and pushes (RFC 6121 §2.1.6).
 */
final class Rosters {
    private final Accounts accounts;
    private final int contacts;
    private final Map<Integer, String>[] views;
    private final AtomicInteger rostersFetched = new AtomicInteger();

    @SuppressWarnings("unchecked")
    Rosters(Accounts accounts, int contacts) {
        if (contacts % 2 != 0 || contacts < 2 || contacts >= accounts.count()) {
            throw new IllegalArgumentException("contacts must be even, at least 2 and fewer than the users");
        }
        this.accounts = accounts;
        this.contacts = contacts;
        this.views = new Map[accounts.count()];
        for (int i = 0; i < views.length; i++) {
            views[i] = new ConcurrentHashMap<>();
        }
    }

    int contacts() {
        return contacts;
    }

    /** User i's contacts: the K/2 users before and after it on the ring. */
    int[] contactsOf(int i) {
        int n = accounts.count();
        int[] out = new int[contacts];
        for (int d = 1; d <= contacts / 2; d++) {
            out[2 * d - 2] = Math.floorMod(i + d, n);
            out[2 * d - 1] = Math.floorMod(i - d, n);
        }
        return out;
    }

    boolean isContact(int i, int other) {
        int n = accounts.count();
        int d = Math.floorMod(other - i, n);
        return d != 0 && (d <= contacts / 2 || n - d <= contacts / 2);
    }

    /** The pairs: each user asks the K/2 users after it. */
    int[] asks(int i) {
        int[] out = new int[contacts / 2];
        for (int d = 1; d <= contacts / 2; d++) {
            out[d - 1] = Math.floorMod(i + d, accounts.count());
        }
        return out;
    }

    long pairs() {
        return (long) accounts.count() * contacts / 2;
    }

    /** Pairs whose both sides have subscription 'both' in their rosters. */
    long pairsBoth() {
        long n = 0;
        for (int i = 0; i < views.length; i++) {
            for (int c : asks(i)) {
                if ("both".equals(views[i].get(c)) && "both".equals(views[c].get(i))) {
                    n++;
                }
            }
        }
        return n;
    }

    int rostersFetched() {
        return rostersFetched.get();
    }

    /**
     * Takes a stanza for user {@code self}: roster results and pushes update its view, subscription
     * requests from expected contacts are approved (and asked back). True when it was roster business.
     */
    boolean onStanza(XmppSession s, XmlElement e) {
        int self = s.index();
        if (e.is("iq", Ns.CLIENT)) {
            XmlElement q = e.child("query", Ns.ROSTER);
            if (q == null) {
                return false;
            }
            String type = e.attr("type");
            if ("result".equals(type) || "set".equals(type)) {
                for (XmlElement item : q.children()) {
                    int c = accounts.indexOf(item.attr("jid"));
                    if (c >= 0) {
                        String sub = item.attr("subscription");
                        if ("remove".equals(sub)) {
                            views[self].remove(c);
                        } else {
                            views[self].put(c, sub == null ? "none" : sub);
                        }
                    }
                }
                if ("result".equals(type) && "roster-get".equals(e.attr("id"))) {
                    rostersFetched.incrementAndGet();
                }
            }
            if ("set".equals(type)) {
                Answers.request(s, e);
            }
            return true;
        }
        if (e.is("presence", Ns.CLIENT) && "subscribe".equals(e.attr("type"))) {
            String from = e.attr("from");
            int c = accounts.indexOf(from);
            if (c >= 0 && isContact(self, c)) {
                String bare = accounts.jid(c);
                s.send(Stanzas.presenceTo(bare, "subscribed"));
                String sub = views[self].get(c);
                if (!"to".equals(sub) && !"both".equals(sub)) {
                    s.send(Stanzas.presenceTo(bare, "subscribe"));
                }
            }
            return true;
        }
        return e.is("presence", Ns.CLIENT) && e.attr("type") != null && !"unavailable".equals(e.attr("type"));
    }

    /** Asks for the contacts that are not mutual yet. Returns the requests sent. */
    int subscribeMissing(Population pop) {
        int sent = 0;
        for (int i = 0; i < views.length; i++) {
            XmppSession s = pop.session(i);
            if (s == null) {
                continue;
            }
            for (int c : asks(i)) {
                if (!("both".equals(views[i].get(c)) && "both".equals(views[c].get(i)))) {
                    s.send(Stanzas.presenceTo(accounts.jid(c), "subscribe"));
                    sent++;
                }
            }
        }
        return sent;
    }

    /** How many of user i's contacts are online now, not counting those {@code leaving} says will go. */
    int onlineContacts(Population pop, int i, java.util.function.IntPredicate leaving) {
        int n = 0;
        for (int c : contactsOf(i)) {
            if (pop.isOnline(c) && !leaving.test(c)) {
                n++;
            }
        }
        return n;
    }
}
