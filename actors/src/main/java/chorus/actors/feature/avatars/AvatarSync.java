package chorus.actors.feature.avatars;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepItem;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.vcard.StoredVCard;
import chorus.actors.feature.vcard.VCardStored;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * XEP-0398 §3 in one account's entity, in the same write as the owner's change. A metadata item published to
 * {@code urn:xmpp:avatar:metadata} whose {@code <info/>} names an item of {@code urn:xmpp:avatar:data} (XEP-0084
 * §4.1, the data is published first) becomes the vCard's PHOTO (TYPE and BINVAL); empty metadata (§4.5, avatar
 * disabled) removes the PHOTO. A vCard stored with a PHOTO is published as XEP-0084: the data item and then the
 * metadata item, both with the SHA-1 of the image as id (§4.2); a vCard without one publishes empty metadata.
 * Nothing is written when the other store holds that image already, or when it would break that store's limits
 * (the owner's write is still taken).
 */
final class AvatarSync implements AccountHooks {
    static final String DATA = "urn:xmpp:avatar:data";
    static final String METADATA = "urn:xmpp:avatar:metadata";
    static final String VCARD = "vcard-temp";
    /** The nodes this creates: open like the vCard (anyone may read it), the last item kept and sent on presence. */
    static final PepConfig CONFIG = new PepConfig(PepConfig.OPEN, 1, PepConfig.ON_SUB_AND_PRESENCE);

    static final String UPDATE = "vcard-temp:x:update";

    private final PepLimits pep;
    private final int vcardMaxWeight;
    /** The vCard whose photo hash is known (the slice's element, compared by identity), and that hash or null. */
    private Element hashed;
    private String hash;

    AvatarSync(PepLimits pep, int vcardMaxWeight) {
        this.pep = pep;
        this.vcardMaxWeight = vcardMaxWeight;
    }

    @Override
    public List<AccountEvent> follow(List<AccountEvent> events, AccountData after) {
        boolean vcard = false;
        boolean metadata = false;
        for (AccountEvent e : events) {
            vcard |= e instanceof VCardStored;
            metadata |= e instanceof PepEvent.Published p && p.node().equals(METADATA);
        }
        if (vcard == metadata) {
            return List.of();
        }
        return vcard ? toPep(after) : toVCard(after);
    }

    /** XEP-0153 §4.3: the server adds the vCard photo's hash to available presence that does not carry one. */
    @Override
    public Presence outgoing(Presence presence, AccountData data) {
        if (presence.child("x", UPDATE).isPresent()) {
            return presence;
        }
        Element vcard = data.slice(StoredVCard.KEY).vcard();
        if (vcard != hashed) {
            hashed = vcard;
            hash = Photo.of(vcard).map(Photo::id).orElse(null);
        }
        if (hash == null) {
            return presence;
        }
        List<Node> children = new ArrayList<>(presence.children());
        children.add(Element.build("x", UPDATE).textChild("photo", UPDATE, hash).get());
        return new Presence(presence.from(), presence.to(), presence.id(), presence.type(), presence.lang(), children);
    }

    // ---- vCard PHOTO -> XEP-0084 ----

    private List<AccountEvent> toPep(AccountData data) {
        Optional<Photo> photo = Photo.of(data.slice(StoredVCard.KEY).vcard());
        PepNodes nodes = data.slice(PepNodes.KEY);
        Optional<Element> info = currentInfo(nodes);
        if (photo.isEmpty()) {
            // §4.5 of XEP-0084: empty metadata says the avatar is gone; nothing when none was published.
            return info.isEmpty() ? List.of() : List.of(new PepEvent.Published(METADATA, config(nodes, METADATA),
                new PepItem("none", Element.of("metadata", METADATA))));
        }
        Photo p = photo.get();
        if (info.isPresent() && p.id().equals(info.get().attr("id"))) {
            return List.of();
        }
        Element dataPayload = Element.build("data", DATA).text(p.base64()).get();
        Element metaPayload = Element.build("metadata", METADATA).child(Element.build("info", METADATA)
            .attr("id", p.id()).attr("bytes", Integer.toString(p.bytes())).attr("type", p.type()).get()).get();
        int created = (nodes.nodes().containsKey(DATA) ? 0 : 1) + (nodes.nodes().containsKey(METADATA) ? 0 : 1);
        long total = nodes.weight() + dataPayload.weight() + metaPayload.weight() + 2L * p.id().length();
        if (dataPayload.weight() > pep.maxItemSize() || nodes.nodes().size() + created > pep.maxNodes()
            || total > pep.maxTotalSize()) {
            return List.of();
        }
        return List.of(new PepEvent.Published(DATA, config(nodes, DATA), new PepItem(p.id(), dataPayload)),
            new PepEvent.Published(METADATA, config(nodes, METADATA), new PepItem(p.id(), metaPayload)));
    }

    private static PepConfig config(PepNodes nodes, String node) {
        PepNode n = nodes.nodes().get(node);
        return n == null ? CONFIG : n.config();
    }

    /** The first {@code <info/>} of the last metadata item, if there is one. */
    private static Optional<Element> currentInfo(PepNodes nodes) {
        PepNode meta = nodes.nodes().get(METADATA);
        return meta == null ? Optional.empty()
            : meta.last().flatMap(i -> i.payload().child("info", METADATA));
    }

    // ---- XEP-0084 -> vCard PHOTO ----

    private List<AccountEvent> toVCard(AccountData data) {
        PepNodes nodes = data.slice(PepNodes.KEY);
        Element stored = data.slice(StoredVCard.KEY).vcard();
        Optional<Photo> now = Photo.of(stored);
        Optional<Element> info = currentInfo(nodes);
        if (info.isEmpty()) {
            return now.isEmpty() ? List.of() : List.of(new VCardStored(withPhoto(stored, null)));
        }
        String id = info.get().attr("id");
        if (id == null || (now.isPresent() && now.get().id().equals(id))) {
            return List.of();
        }
        PepNode dataNode = nodes.nodes().get(DATA);
        Optional<PepItem> item = dataNode == null ? Optional.empty() : dataNode.item(id);
        if (item.isEmpty()) {
            // Only an image on the web (XEP-0084 §4.2.1 url) or in no node here: no PHOTO to make.
            return List.of();
        }
        String type = info.get().attr("type") == null ? "image/png" : info.get().attr("type");
        Element photo = Element.build("PHOTO", VCARD).textChild("TYPE", VCARD, type)
            .textChild("BINVAL", VCARD, item.get().payload().text().strip()).get();
        Element vcard = withPhoto(stored, photo);
        return vcard.weight() > vcardMaxWeight ? List.of() : List.of(new VCardStored(vcard));
    }

    /** The stored vCard (or a new one) with its PHOTO replaced by {@code photo} (null: none). */
    private static Element withPhoto(Element vcard, Element photo) {
        List<Node> children = new ArrayList<>();
        if (vcard != null) {
            for (Node n : vcard.children()) {
                if (!(n instanceof Element e && e.is("PHOTO", VCARD))) {
                    children.add(n);
                }
            }
        }
        if (photo != null) {
            children.add(photo);
        }
        return Element.build("vCard", VCARD).children(children).get();
    }

    /** A vCard's PHOTO with inline data (XEP-0153 §3.1): its base64, size, type and SHA-1 (XEP-0084 §4.2 id). */
    record Photo(String base64, int bytes, String type, String id) {
        static Optional<Photo> of(Element vcard) {
            Optional<Element> photo = vcard == null ? Optional.empty() : vcard.child("PHOTO", VCARD);
            Optional<String> binval = photo.flatMap(p -> p.childText("BINVAL", VCARD)).map(String::strip);
            if (binval.isEmpty() || binval.get().isEmpty()) {
                return Optional.empty();
            }
            byte[] image;
            try {
                image = Base64.getMimeDecoder().decode(binval.get().getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            String b64 = Base64.getEncoder().encodeToString(image);
            String type = photo.get().childText("TYPE", VCARD).map(String::strip).filter(t -> !t.isEmpty())
                .orElse("image/png");
            return Optional.of(new Photo(b64, image.length, type, sha1(image)));
        }

        @Override
        public String toString() {
            return "Photo[" + bytes + " bytes]";
        }
    }

    static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
