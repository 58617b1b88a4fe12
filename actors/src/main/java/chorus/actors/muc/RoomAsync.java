package chorus.actors.muc;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * How a room waits for its archive: the step after a store's answer runs where the room runs (its entity's
 * thread), never on the store's, so a {@link Room} stays single-threaded.
 */
public interface RoomAsync {

    <T> void then(CompletionStage<T> stage, BiConsumer<T, Throwable> next);

    /** Runs the next step on whichever thread completes the stage: for stores that answer at once (tests). */
    RoomAsync DIRECT = new RoomAsync() {
        @Override
        public <T> void then(CompletionStage<T> stage, BiConsumer<T, Throwable> next) {
            stage.whenComplete(next);
        }
    };
}
