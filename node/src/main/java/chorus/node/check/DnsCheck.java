package chorus.node.check;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * The DNS records a domain needs (RFC 6120 §3.2, XEP-0368), asked of the given resolver (dnsjava): the
 * client SRV records and their targets' addresses, the server SRV record, and the address of the host that
 * serves uploaded files.
 */
final class DnsCheck {
    static final String AREA = "dns";

    private final Resolver resolver;
    private final List<Finding> out = new ArrayList<>();

    DnsCheck(Resolver resolver) {
        this.resolver = resolver;
    }

    /** {@code uploadHost} null when uploads are off; {@code tlsPort} 0 when direct TLS is off. */
    List<Finding> run(String domain, int c2sPort, int tlsPort, String uploadHost) {
        boolean domainHasAddress = !addresses(domain).isEmpty();
        List<SRVRecord> client = srv("_xmpp-client._tcp." + domain);
        if (client == null) {
            return out;
        }
        if (client.isEmpty()) {
            if (domainHasAddress) {
                out.add(Finding.warn(AREA, "no _xmpp-client._tcp." + domain + " SRV record: clients fall back to " + domain
                        + "'s address on port 5222",
                    "add: _xmpp-client._tcp." + domain + ". 3600 IN SRV 0 5 " + c2sPort + " xmpp." + domain + "."));
            } else {
                out.add(Finding.fail(AREA, "neither a _xmpp-client._tcp." + domain + " SRV record nor an address for " + domain
                        + ": clients cannot find the server",
                    "add: _xmpp-client._tcp." + domain + ". 3600 IN SRV 0 5 " + c2sPort + " xmpp." + domain
                        + ". and A/AAAA records for xmpp." + domain));
            }
        } else {
            targets("_xmpp-client._tcp." + domain, client, c2sPort);
        }
        if (tlsPort > 0) {
            List<SRVRecord> direct = srv("_xmpps-client._tcp." + domain);
            if (direct != null && direct.isEmpty()) {
                out.add(Finding.warn(AREA, "no _xmpps-client._tcp." + domain + " SRV record: clients that prefer direct TLS "
                        + "(XEP-0368) do not find port " + tlsPort,
                    "add: _xmpps-client._tcp." + domain + ". 3600 IN SRV 0 5 " + tlsPort + " xmpp." + domain + "."));
            } else if (direct != null) {
                targets("_xmpps-client._tcp." + domain, direct, tlsPort);
            }
        }
        List<SRVRecord> server = srv("_xmpp-server._tcp." + domain);
        if (server != null && !server.isEmpty()) {
            out.add(Finding.warn(AREA, "_xmpp-server._tcp." + domain + " points other servers here, but this version of "
                    + "Chorus does not federate (no server-to-server listener)",
                "remove the record until federation is offered, so other servers fail fast"));
        } else if (server != null) {
            out.add(Finding.ok(AREA, "no _xmpp-server._tcp." + domain + " record (this version does not federate)"));
        }
        if (uploadHost != null) {
            if (addresses(uploadHost).isEmpty()) {
                out.add(Finding.fail(AREA, "the upload host " + uploadHost + " has no A/AAAA record: clients cannot fetch files",
                    "add an A/AAAA record for " + uploadHost + ", or set CHORUS_UPLOAD_URL to a host that has one"));
            } else {
                out.add(Finding.ok(AREA, "upload host " + uploadHost + " resolves"));
            }
        }
        return out;
    }

    private void targets(String name, List<SRVRecord> records, int expectedPort) {
        for (SRVRecord r : records) {
            String target = r.getTarget().toString(true);
            if (r.getTarget().equals(Name.root)) {
                out.add(Finding.fail(AREA, name + " says the service is not offered (target '.')",
                    "point it at the host that runs Chorus"));
                continue;
            }
            if (addresses(target).isEmpty()) {
                out.add(Finding.fail(AREA, name + " points at " + target + ", which has no A/AAAA record",
                    "add an A/AAAA record for " + target));
            } else if (r.getPort() != expectedPort) {
                out.add(Finding.warn(AREA, name + " names port " + r.getPort() + " on " + target + "; this node listens on "
                        + expectedPort, "make the record's port " + expectedPort + " (unless a load balancer maps it)"));
            } else {
                out.add(Finding.ok(AREA, name + " -> " + target + ":" + r.getPort()));
            }
        }
    }

    /** The SRV records of a name; empty when there are none; null after a finding that DNS did not answer. */
    private List<SRVRecord> srv(String name) {
        Record[] rs = lookup(name, Type.SRV);
        if (rs == null) {
            return null;
        }
        List<SRVRecord> out = new ArrayList<>();
        for (Record r : rs) {
            out.add((SRVRecord) r);
        }
        return out;
    }

    private List<String> addresses(String host) {
        List<String> out = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Record[] rs = lookup(host, type);
            if (rs != null) {
                for (Record r : rs) {
                    out.add(r instanceof ARecord a ? a.getAddress().getHostAddress()
                        : ((AAAARecord) r).getAddress().getHostAddress());
                }
            }
        }
        return out;
    }

    private Record[] lookup(String name, int type) {
        try {
            Lookup l = new Lookup(name.endsWith(".") ? name : name + ".", type);
            l.setResolver(resolver);
            l.setCache(null);
            Record[] rs = l.run();
            switch (l.getResult()) {
                case Lookup.SUCCESSFUL:
                    return rs;
                case Lookup.HOST_NOT_FOUND:
                case Lookup.TYPE_NOT_FOUND:
                    return new Record[0];
                default:
                    if (out.stream().noneMatch(f -> f.message().startsWith("DNS did not answer"))) {
                        out.add(Finding.fail(AREA, "DNS did not answer for " + name + " (" + l.getErrorString() + ")",
                            "check the resolver (--dns HOST:PORT asks another one)"));
                    }
                    return null;
            }
        } catch (TextParseException e) {
            out.add(Finding.fail(AREA, "'" + name + "' is not a DNS name", "fix the domain"));
            return null;
        }
    }
}
