package chorus.persistence.accounts;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The names of the accounts that exist, kept beside the journal so the admin can list them without
 * waking every account's entity. Entries are bare JID strings; nothing else is stored.
 */
public interface AccountDirectory {

    CompletionStage<Void> add(String bareJid);

    CompletionStage<Void> remove(String bareJid);

    /** Every account, sorted. */
    CompletionStage<List<String>> list();
}
