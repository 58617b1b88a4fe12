package chorus.actors.xmpp;

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

    @Override
    public String toString() {
        return (local == null ? "" : local + "@") + domain + "/" + resource;
    }
}
