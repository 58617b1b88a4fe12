package chorus.actors.xmpp;

import com.fasterxml.jackson.annotation.JsonCreator;

/** An address with a resource: {@code local@domain/resource}, or {@code domain/resource} when local is null. */
public record FullJid(String local, String domain, String resource) implements Jid {
    public FullJid {
        local = local == null ? null : JidPrep.local(local);
        domain = JidPrep.domain(domain);
        resource = JidPrep.resource(resource);
    }

    @Override
    public Jid bare() {
        return local == null ? new DomainJid(domain) : new BareJid(local, domain);
    }

    /** The account part; only valid when there is a localpart. */
    public BareJid bareJid() {
        return new BareJid(local, domain);
    }

    /** The string form, as written in JSON. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static FullJid fromJson(String s) {
        if (Jid.parse(s) instanceof FullJid f) {
            return f;
        }
        throw new JidMalformedException("not a full JID");
    }

    @Override
    public String toString() {
        return (local == null ? "" : local + "@") + domain + "/" + resource;
    }
}
