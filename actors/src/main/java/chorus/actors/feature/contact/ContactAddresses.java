package chorus.actors.feature.contact;

import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server's contact addresses (XEP-0157), read once from {@code chorus.contact}: for each kind, the URIs
 * (mailto:, xmpp:, https:, ...) the admin listed. Each value must be an absolute URI; anything else stops the node
 * at start with a message naming the setting (a bare e-mail address is refused with a hint to write mailto:).
 */
public record ContactAddresses(Map<Kind, List<URI>> addresses) {
    /** XEP-0157 §3: the FORM_TYPE of the extended information form. */
    public static final String FORM_TYPE = "http://jabber.org/network/serverinfo";

    /** The kinds of address XEP-0157 §3 registers; each is the field {@code KIND-addresses}. */
    public enum Kind {
        ABUSE, ADMIN, FEEDBACK, SALES, SECURITY, STATUS, SUPPORT;

        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String field() {
            return setting() + "-addresses";
        }
    }

    public ContactAddresses {
        Map<Kind, List<URI>> copy = new EnumMap<>(Kind.class);
        addresses.forEach((k, v) -> {
            if (!v.isEmpty()) {
                copy.put(k, List.copyOf(v));
            }
        });
        addresses = Map.copyOf(copy);
    }

    public static ContactAddresses none() {
        return new ContactAddresses(Map.of());
    }

    public static ContactAddresses from(Config config) {
        Map<Kind, List<URI>> out = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            String path = "chorus.contact." + kind.setting();
            if (!config.hasPath(path)) {
                continue;
            }
            // One address may be written as a plain string, several as a list.
            List<String> raw = config.getValue(path).valueType() == ConfigValueType.STRING
                ? List.of(config.getString(path)) : config.getStringList(path);
            List<URI> uris = new ArrayList<>();
            for (String value : raw) {
                if (!value.isBlank()) {
                    uris.add(parse(path, value.strip()));
                }
            }
            out.put(kind, uris);
        }
        return new ContactAddresses(out);
    }

    static URI parse(String setting, String value) {
        try {
            URI uri = new URI(value);
            if (uri.isAbsolute() && uri.getSchemeSpecificPart() != null && !uri.getSchemeSpecificPart().isBlank()) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // Reported below, naming the setting.
        }
        String hint = value.contains("@") && !value.contains(":") ? " (an e-mail address is written mailto:" + value + ")"
            : value.contains(".") && !value.contains(":") ? " (a web page is written https://" + value + ")" : "";
        throw new IllegalArgumentException(setting + ": '" + value + "' is not an absolute URI such as mailto:, xmpp: or "
            + "https:" + hint);
    }

    public boolean isEmpty() {
        return addresses.isEmpty();
    }

    /** XEP-0157 §3 / XEP-0128: the form for the server's disco#info; empty when no address is set. */
    public Optional<Element> form() {
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        DataForm.Builder form = DataForm.build("result", FORM_TYPE);
        for (Kind kind : Kind.values()) {
            List<URI> uris = addresses.getOrDefault(kind, List.of());
            if (!uris.isEmpty()) {
                form.values(kind.field(), "list-multi", uris.stream().map(URI::toString).toList());
            }
        }
        return Optional.of(form.get());
    }
}
