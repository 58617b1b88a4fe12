package chorus.actors.xmpp;

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

    @Override
    public String toString() {
        return domain;
    }
}
