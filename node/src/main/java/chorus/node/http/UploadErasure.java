package chorus.node.http;

import chorus.actors.upload.EraseUploads;
import chorus.actors.upload.Slots;
import chorus.actors.upload.UploadService;
import chorus.actors.xmpp.BareJid;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Removing an account deletes its uploaded files on every node at once: the node that removes it publishes
 * {@link EraseUploads} (the owner's digest) on a cluster-wide topic, and every node that takes uploads
 * deletes that owner's files and voids its waiting slots. A node that is down then deletes them with its
 * retention sweep (72 hours) at the latest.
 */
public final class UploadErasure {
    private static final Logger log = LoggerFactory.getLogger(UploadErasure.class);
    static final String TOPIC = "chorus-upload-erasure";

    private final ActorSystem<?> system;
    private final ActorRef<Topic.Command<EraseUploads>> topic;

    private UploadErasure(ActorSystem<?> system, ActorRef<Topic.Command<EraseUploads>> topic) {
        this.system = system;
        this.topic = topic;
    }

    /** Joins the cluster's topic; every node does, whether it takes uploads or not. */
    public static UploadErasure start(ActorSystem<?> system) {
        return new UploadErasure(system,
            system.systemActorOf(Topic.create(EraseUploads.class, TOPIC), "upload-erasure-topic", Props.empty()));
    }

    /** This node takes uploads: it deletes a removed account's files here when told. */
    public void serve(UploadStore files, Slots slots) {
        ActorRef<EraseUploads> eraser = system.systemActorOf(eraser(files, slots), "upload-eraser", Props.empty());
        topic.tell(Topic.subscribe(eraser));
    }

    /** The account is gone: every node deletes what it uploaded. */
    public void erase(BareJid account) {
        topic.tell(Topic.publish(new EraseUploads(UploadService.owner(account.toString()))));
    }

    private static Behavior<EraseUploads> eraser(UploadStore files, Slots slots) {
        return Behaviors.receive(EraseUploads.class).onMessage(EraseUploads.class, e -> {
            slots.revoke(e.owner());
            try {
                int n = files.eraseOwner(e.owner());
                if (n > 0) {
                    log.info("deleted {} uploaded files of a removed account", n);
                }
            } catch (IOException ex) {
                log.warn("could not delete a removed account's uploads now ({}); the retention sweep will",
                    ex.getClass().getSimpleName());
            }
            return Behaviors.same();
        }).build();
    }
}
