package chorus.actors.xmpp;

import com.fasterxml.jackson.annotation.JsonCreator;

/** A server's address: just the domain. */
public record DomainJid(String domain) implements Jid {
    public DomainJid {
        domain = JidPrep.domain(domain);
    }

    @Override
    public String local() {
        return null;
    }

    @Override
    public String resource() {
        return null;
    }

    @Override
    public DomainJid bare() {
        return this;
    }

    /** The string form, as written in JSON. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static DomainJid fromJson(String s) {
        if (Jid.parse(s) instanceof DomainJid d) {
            return d;
        }
        throw new JidMalformedException("not a domain");
    }

    @Override
    public String toString() {
        return domain;
    }
}
