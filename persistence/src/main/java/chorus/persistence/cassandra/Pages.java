package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** Every page of an asynchronous result, row by row, each page fetched once the one before is read. */
public final class Pages {
    private Pages() {
    }

    /** Hands each row of {@code rs}, over all its pages, to {@code row}; completes after the last one. */
    public static CompletionStage<Void> each(AsyncResultSet rs, Consumer<Row> row) {
        for (Row r : rs.currentPage()) {
            row.accept(r);
        }
        if (rs.hasMorePages()) {
            return rs.fetchNextPage().thenCompose(next -> each(next, row));
        }
        return CompletableFuture.completedFuture(null);
    }
}
