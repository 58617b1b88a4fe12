package chorus.actors.feature.mam;

import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchivedRow;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * One page of an archive query, oldest first: the rows, whether it is the last page in the direction
 * of paging ({@code complete}, XEP-0313 §4.3) and how many messages match the whole query (XEP-0059).
 * {@code error} is set instead when the query names an id the archive does not hold.
 */
public record MamPage(List<ArchivedRow> rows, boolean complete, int count, StanzaError error) {

    /** Reads the page a request asks for. */
    public static CompletionStage<MamPage> read(ArchiveStore store, String owner, MamRequest q) {
        Predicate<String> with = q::withMatches;
        Long ref = q.after() != null ? q.after() : q.before();
        CompletionStage<Boolean> known = ref == null ? CompletableFuture.completedFuture(true)
            : store.contains(owner, ref);
        return known.thenCompose(ok -> {
            if (!ok) {
                return CompletableFuture.completedFuture(new MamPage(List.of(), true, 0,
                    StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND, "no such archived message")));
            }
            boolean backward = q.before() != null || q.lastPage();
            long lo = q.after() != null ? Math.max(q.lo(), q.after() + 1) : q.lo();
            long hi = q.before() != null ? Math.min(q.hi(), q.before() - 1) : q.hi();
            // One more than asked tells whether the page is the last one.
            CompletionStage<List<ArchivedRow>> rows = store.scan(owner, lo, hi, backward, with, q.max() + 1);
            return rows.thenCombine(store.count(owner, q.lo(), q.hi(), with), (found, count) -> {
                boolean complete = found.size() <= q.max();
                List<ArchivedRow> page = new ArrayList<>(found.subList(0, Math.min(found.size(), q.max())));
                if (backward) {
                    Collections.reverse(page);
                }
                return new MamPage(page, complete, count, null);
            });
        });
    }

    /**
     * XEP-0313 §4.2: the page's results as messages from the archive's address to the asking client; a row that
     * cannot be read is left out and its id given to {@code unreadable}.
     */
    public List<Message> results(Jid archive, Jid to, String queryId, LongConsumer unreadable) {
        List<Message> out = new ArrayList<>(rows.size());
        for (ArchivedRow row : rows) {
            Message archived;
            try {
                archived = Archive.decode(row.message());
            } catch (RuntimeException e) {
                unreadable.accept(row.id());
                continue;
            }
            out.add(new Message(archive, to, "mam-" + row.id(), Message.Type.NORMAL, null,
                List.of(Archive.result(queryId, row.id(), row.at(), archived))));
        }
        return out;
    }

    /** XEP-0313 §4.3: the {@code <fin/>} closing the query, with the page's XEP-0059 set. */
    public Element fin() {
        Element.Builder set = Element.build("set", MamRequest.RSM);
        if (!rows.isEmpty()) {
            set.child(Element.build("first", MamRequest.RSM).text(Long.toString(rows.get(0).id())).get());
            set.textChild("last", MamRequest.RSM, Long.toString(rows.get(rows.size() - 1).id()));
        }
        set.textChild("count", MamRequest.RSM, Integer.toString(count));
        Element.Builder fin = Element.build("fin", MamHandler.NS);
        if (complete) {
            fin.attr("complete", "true");
        }
        return fin.child(set.get()).get();
    }
}
