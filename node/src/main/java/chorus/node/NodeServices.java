package chorus.node;

import chorus.actors.cluster.Frames;
import chorus.actors.muc.MucService;
import chorus.actors.muc.MucSettings;
import chorus.actors.muc.RoomDirectory;
import chorus.actors.muc.RoomArchiveSettings;
import chorus.actors.muc.RoomEntity;
import chorus.actors.pubsub.PubSubEntity;
import chorus.actors.pubsub.PubSubSettings;
import chorus.actors.router.Router;
import chorus.actors.upload.Slots;
import chorus.actors.upload.UploadService;
import chorus.actors.upload.UploadSettings;
import chorus.actors.xmpp.DomainJid;
import chorus.node.config.Settings;
import chorus.node.http.UploadErasure;
import chorus.node.http.UploadRoute;
import chorus.node.http.UploadStore;
import chorus.node.storage.AccountEraser;
import chorus.node.storage.NodeStorage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's services on their own subdomains, each when on: multi-user chat (XEP-0045), publish-subscribe
 * (XEP-0060) and HTTP file upload (XEP-0363). Their domains are known from the settings before the router exists (disco lists them); they start
 * once it does, and add themselves to it.
 */
final class NodeServices {
    private static final Logger log = LoggerFactory.getLogger(NodeServices.class);

    private final Settings settings;
    private final MucSettings muc;
    private final UploadSettings upload;
    private final PubSubSettings pubsub;
    private final String mucDomain;
    private final String pubsubDomain;
    private final String uploadDomain;

    private NodeServices(Settings settings, MucSettings muc, UploadSettings upload, PubSubSettings pubsub) {
        this.settings = settings;
        this.muc = muc;
        this.upload = upload;
        this.pubsub = pubsub;
        this.mucDomain = muc.serviceDomain(settings.domain().toString());
        this.pubsubDomain = pubsub.serviceDomain(settings.domain().toString());
        this.uploadDomain = upload.serviceDomain(settings.domain().toString());
    }

    static NodeServices from(Settings settings, NodeStorage storage) {
        return new NodeServices(settings, MucSettings.from(storage.systemConfig()),
            UploadSettings.from(storage.systemConfig(), settings.http().port(), settings.http().publicUrl()),
            PubSubSettings.from(storage.systemConfig()));
    }

    /** The domains of the services that are on. */
    List<String> domains() {
        List<String> services = new ArrayList<>();
        if (muc.enabled()) {
            services.add(mucDomain);
        }
        if (pubsub.enabled()) {
            services.add(pubsubDomain);
        }
        if (upload.offered()) {
            services.add(uploadDomain);
        }
        return services;
    }

    boolean mucEnabled() {
        return muc.enabled();
    }

    /** Starts the rooms' sharding and the MUC service, when MUC is on. */
    void startMuc(ActorSystem<Void> system, ClusterSharding sharding, NodeStorage storage, Router router,
                  Frames frames, Clock clock) {
        if (!muc.enabled()) {
            return;
        }
        RoomDirectory rooms = RoomDirectory.start(system, muc);
        AccountEraser roomEraser = AccountEraser.forStorage(system, storage);
        RoomEntity.init(sharding, new RoomEntity.Deps(muc, settings.domain().toString(), router, rooms, clock,
            room -> {
                if (roomEraser != null) {
                    roomEraser.eraseRoom(room).whenComplete((ok, e) -> {
                        if (e != null) {
                            log.warn("could not erase the journal of a destroyed room: {}", e.toString());
                        }
                    });
                }
            }, storage.archive(clock), RoomArchiveSettings.from(storage.systemConfig())));
        MucService service = new MucService(new DomainJid(mucDomain), router, rooms::publicRooms,
            (room, stanza) -> frames.tell(sharding.entityRefFor(RoomEntity.KEY, room), new RoomEntity.Deliver(stanza),
                RoomEntity.Framed::new), muc, clock);
        router.addService(mucDomain, service::accept);
    }

    /** Tells the pubsub service, when on, that an account was removed: its nodes and subscriptions go. */
    void forgetAtPubSub(ClusterSharding sharding, chorus.actors.xmpp.BareJid account) {
        if (pubsub.enabled()) {
            sharding.entityRefFor(PubSubEntity.KEY, pubsubDomain).tell(new PubSubEntity.Forget(account.toString()));
        }
    }

    /** Starts the pubsub service's sharding (one entity for the service) and routes its address there, when on. */
    void startPubSub(ClusterSharding sharding, Router router, Frames frames) {
        if (!pubsub.enabled()) {
            return;
        }
        PubSubEntity.init(sharding, new PubSubEntity.Deps(pubsub, settings.domain().toString(), router));
        java.util.function.Consumer<chorus.actors.xmpp.Stanza> service = stanza -> frames.tell(
            sharding.entityRefFor(PubSubEntity.KEY, pubsubDomain), new PubSubEntity.Deliver(stanza),
            PubSubEntity.Framed::new);
        router.addService(pubsubDomain, service);
        // The domain shows pubsub features (its accounts' PEP); pubsub requests to it are the service's.
        router.answerAtDomain(PubSubEntity::owns, service);
    }

    /**
     * Starts the upload service when the node offers it, its files erased through {@code erasure}.
     *
     * @return the HTTP route that takes and serves the files, or null when the node offers no upload
     */
    UploadRoute startUpload(Router router, UploadErasure erasure, Clock clock) throws IOException {
        if (!upload.offered()) {
            return null;
        }
        Slots slots = new Slots(clock);
        UploadStore files = new UploadStore(settings.dataDir().resolve("uploads"), upload.retention(), clock);
        UploadRoute route = new UploadRoute(slots, files, settings.http().limits().maxUploads());
        erasure.serve(files, slots);
        UploadService uploadService = new UploadService(settings.domain().toString(), upload, slots, router,
            files::usedBy);
        router.addService(uploadDomain, uploadService::accept);
        return route;
    }
}
