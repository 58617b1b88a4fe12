package chorus.actors.upload;

import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.disco.DiscoReply;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The upload service (XEP-0363) at {@code upload.DOMAIN}: disco#info names the namespace and the largest
 * file; a slot request from an account of this server gets a PUT and a GET URL on this node's HTTPS
 * listener. Only this server's accounts may upload; files are counted against a per-user quota.
 */
public final class UploadService {
    public static final String NS = "urn:xmpp:http:upload:0";
    static final int MAX_FILENAME = 255;

    private final DomainJid service;
    private final String userDomain;
    private final UploadSettings settings;
    private final Slots slots;
    private final StanzaRouter router;
    private final ToLongFunction<String> usedBy;

    /**
     * @param usedBy bytes the files of an owner (by {@link #owner digest}) take on this node
     */
    public UploadService(String userDomain, UploadSettings settings, Slots slots, StanzaRouter router,
                         ToLongFunction<String> usedBy) {
        this.service = new DomainJid(settings.serviceDomain(userDomain));
        this.userDomain = userDomain;
        this.settings = settings;
        this.slots = slots;
        this.router = router;
        this.usedBy = usedBy;
    }

    public DomainJid address() {
        return service;
    }

    /** The owner key of a user's files: a digest, so the files on disk name no one. */
    public static String owner(String bareJid) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bareJid.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes a stanza whose 'to' is the service. */
    public void accept(Stanza stanza) {
        if (stanza instanceof Iq iq) {
            if (iq.isRequest()) {
                router.route(answer(iq));
            }
        } else if (stanza instanceof Message && stanza.from() != null) {
            router.route(stanza.errorReply(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE)));
        }
    }

    Iq answer(Iq iq) {
        Element q = iq.payload().orElse(null);
        if (q == null || iq.to().local() != null) {
            return iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
        }
        if (q.is("query", DiscoHandler.INFO) && iq.type() == Iq.Type.GET) {
            if (q.attr("node") != null) {
                return iq.error(StanzaError.of(StanzaError.Condition.ITEM_NOT_FOUND));
            }
            return iq.result(DiscoReply.info().identity("store", "file", "HTTP File Upload")
                .feature(NS).feature(DiscoHandler.INFO)
                .form(DataForm.build("result", NS)
                    .field("max-file-size", "text-single", null, Long.toString(settings.maxFileSize())).get())
                .get());
        }
        if (q.is("query", DiscoHandler.ITEMS) && iq.type() == Iq.Type.GET) {
            return iq.result(DiscoReply.items().get());
        }
        if (q.is("request", NS) && iq.type() == Iq.Type.GET) {
            return slot(iq, q);
        }
        return iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE));
    }

    private Iq slot(Iq iq, Element q) {
        if (iq.from() == null || iq.from().local() == null || !iq.from().domain().equals(userDomain)) {
            return iq.error(StanzaError.of(StanzaError.Condition.NOT_ALLOWED,
                "only accounts of " + userDomain + " may upload here"));
        }
        String filename = q.attr("filename");
        long size;
        try {
            size = Long.parseLong(q.attr("size") == null ? "" : q.attr("size").strip());
        } catch (NumberFormatException e) {
            return iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST, "size must be a number of bytes"));
        }
        if (filename == null || filename.isBlank() || filename.length() > MAX_FILENAME || filename.contains("/")
            || filename.contains("\\") || filename.equals(".") || filename.equals("..")
            || filename.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST,
                "a file name is 1 to " + MAX_FILENAME + " characters, without slashes or control characters"));
        }
        if (size < 1) {
            return iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST, "size must be at least 1 byte"));
        }
        if (size > settings.maxFileSize()) {
            Element tooLarge = Element.build("file-too-large", NS)
                .textChild("max-file-size", NS, Long.toString(settings.maxFileSize())).get();
            return iq.error(StanzaError.of(StanzaError.Condition.NOT_ACCEPTABLE,
                "the largest file is " + settings.maxFileSize() + " bytes").withApplication(tooLarge));
        }
        String owner = owner(iq.from().bare().toString());
        if (usedBy.applyAsLong(owner) + slots.reserved(owner) + size > settings.quota()) {
            return iq.error(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT,
                "your uploads would take more than " + settings.quota() + " bytes; older ones expire after "
                    + settings.retention().toHours() + " h"));
        }
        if (slots.open(owner) >= settings.maxOpenSlots()) {
            return iq.error(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT,
                "you have " + settings.maxOpenSlots() + " uploads waiting; use or let them expire first"));
        }
        String type = q.attr("content-type");
        Optional<Slot> slot = slots.issue(owner, filename, size, type == null || type.isBlank() ? null : type.strip(),
            settings);
        if (slot.isEmpty()) {
            return iq.error(StanzaError.of(StanzaError.Condition.RESOURCE_CONSTRAINT, "too many uploads wait; try again soon"));
        }
        String url = settings.baseUrl(userDomain) + "/upload/" + slot.get().token() + "/"
            + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        return iq.result(Element.build("slot", NS)
            .child(Element.build("put", NS).attr("url", url).get())
            .child(Element.build("get", NS).attr("url", url).get())
            .get());
    }
}
