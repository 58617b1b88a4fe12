package chorus.actors.xmpp;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The address of an account: {@code local@domain}. */
public record BareJid(String local, String domain) implements Jid {
    public BareJid {
        local = JidPrep.local(local);
        domain = JidPrep.domain(domain);
    }

    /** Parses an address that must be bare. */
    public static BareJid parseBare(String s) {
        Jid j = Jid.parse(s);
        if (j instanceof BareJid b) {
            return b;
        }
        throw new JidMalformedException("not an account address");
    }

    @Override
    public String resource() {
        return null;
    }

    @Override
    public BareJid bare() {
        return this;
    }

    public FullJid withResource(String resource) {
        return new FullJid(local, domain, resource);
    }

    /** The string form, as written in JSON. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static BareJid fromJson(String s) {
        return parseBare(s);
    }

    @Override
    public String toString() {
        return local + "@" + domain;
    }
}
