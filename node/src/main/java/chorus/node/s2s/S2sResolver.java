package chorus.node.s2s;

import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Where a remote domain's XMPP server listens (RFC 6120 §3.2): the {@code _xmpps-server._tcp} (XEP-0368,
 * direct TLS) and {@code _xmpp-server._tcp} SRV records ordered together by RFC 2782; without any, the
 * domain's own A/AAAA records on port 5269; a lone SRV record with target "." means the domain offers no
 * XMPP service (RFC 2782) and resolution fails. A domain in the static map is never looked up: its
 * endpoints are used in the order given. DNS is asked through dnsjava, asynchronously, of the configured
 * servers or the system's.
 *
 * <p>The result is bounded whatever the DNS says: at most {@link #MAX_SRV} SRV records and
 * {@link #MAX_ADDRESSES} addresses per host are used. An SRV target that is an IP literal is taken as the
 * address (Prosody and ejabberd do the same). Addresses of one host: IPv4 first, then IPv6.
 */
public final class S2sResolver {
    /** The port of RFC 6120 §3.2.2's fallback (and of {@code xmpp-server} in IANA's registry). */
    public static final int DEFAULT_PORT = 5269;
    static final int MAX_SRV = 16;
    static final int MAX_ADDRESSES = 8;

    /** What the resolver reads from the settings. */
    public record Config(List<InetSocketAddress> nameservers, Duration timeout, Map<String, List<S2sEndpoint>> staticMap) {
        public Config {
            nameservers = List.copyOf(nameservers);
            staticMap = Map.copyOf(staticMap);
        }
    }

    /** Resolution failed: no server for the domain (RFC 6120 §8.3.3.15 remote-server-not-found follows). */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message, null, false, false);
        }
    }

    private final LookupSession dns;
    private final Map<String, List<S2sEndpoint>> staticMap;
    private final RandomGenerator random;

    S2sResolver(LookupSession dns, Map<String, List<S2sEndpoint>> staticMap, RandomGenerator random) {
        this.dns = dns;
        this.staticMap = staticMap;
        this.random = random;
    }

    public static S2sResolver create(Config config) {
        Resolver resolver;
        LookupSession.LookupSessionBuilder builder = LookupSession.builder();
        if (config.nameservers().isEmpty()) {
            resolver = new ExtendedResolver(); // the system's servers (/etc/resolv.conf)
            builder.defaultHostsFileParser();
        } else {
            List<Resolver> servers = new ArrayList<>();
            for (InetSocketAddress a : config.nameservers()) {
                // The settings keep IP literals unresolved; a literal is parsed here, never looked up.
                InetSocketAddress server = a;
                if (a.isUnresolved()) {
                    InetAddress ip = ipLiteral(a.getHostString());
                    if (ip == null) {
                        throw new IllegalArgumentException("not an IP address: " + a.getHostString());
                    }
                    server = new InetSocketAddress(ip, a.getPort());
                }
                servers.add(new SimpleResolver(server));
            }
            resolver = new ExtendedResolver(servers);
        }
        resolver.setTimeout(config.timeout());
        LookupSession session = builder.resolver(resolver).clearSearchPath().build();
        return new S2sResolver(session, config.staticMap(), RandomGenerator.getDefault());
    }

    /** The endpoints to try for {@code domain}, in order, each with its addresses; fails with {@link NotFound}. */
    public CompletionStage<List<S2sEndpoint.Address>> resolve(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new NotFound("'" + domain + "' is not a DNS name"));
        }
        CompletionStage<List<S2sEndpoint>> endpoints = staticMap.containsKey(ascii)
                ? CompletableFuture.completedFuture(staticMap.get(ascii))
                : endpoints(ascii);
        return endpoints.thenCompose(this::addresses).thenApply(list -> {
            if (list.isEmpty()) {
                throw new NotFound("no address for " + ascii);
            }
            return list;
        });
    }

    /** RFC 6120 §3.2.1: SRV first (both services, XEP-0368), the domain itself on 5269 when there are none. */
    CompletionStage<List<S2sEndpoint>> endpoints(String domain) {
        CompletableFuture<List<S2sEndpoint>> tls = srv("_xmpps-server._tcp." + domain, true);
        CompletableFuture<List<S2sEndpoint>> plain = srv("_xmpp-server._tcp." + domain, false);
        return tls.thenCombine(plain, (a, b) -> {
            List<S2sEndpoint> all = new ArrayList<>(a);
            all.addAll(b);
            if (all.isEmpty()) {
                return List.of(new S2sEndpoint(domain, DEFAULT_PORT, false));
            }
            // RFC 2782: a single record whose target is "." says the service is decidedly not available.
            List<S2sEndpoint> real = all.stream().filter(e -> !e.host().isEmpty()).toList();
            if (real.isEmpty()) {
                throw new NotFound(domain + " publishes that it offers no XMPP server-to-server service");
            }
            List<S2sEndpoint> bounded = real.size() > MAX_SRV ? real.subList(0, MAX_SRV) : real;
            return SrvOrder.order(bounded, random);
        });
    }

    // No records, no such name, or an unanswered query: all mean "no SRV records" here (RFC 6120 §3.2.2 fallback).
    private CompletableFuture<List<S2sEndpoint>> srv(String name, boolean directTls) {
        return lookup(name, Type.SRV).thenApply(records -> {
            List<S2sEndpoint> out = new ArrayList<>();
            for (Record r : records) {
                if (r instanceof SRVRecord s && s.getPort() > 0) {
                    out.add(new S2sEndpoint(hostOf(s.getTarget()), s.getPort(), directTls, s.getPriority(), s.getWeight()));
                }
            }
            return out;
        }).exceptionally(e -> List.of());
    }

    private CompletionStage<List<S2sEndpoint.Address>> addresses(List<S2sEndpoint> endpoints) {
        List<CompletableFuture<List<S2sEndpoint.Address>>> each = new ArrayList<>();
        for (S2sEndpoint e : endpoints) {
            each.add(addresses(e));
        }
        return CompletableFuture.allOf(each.toArray(new CompletableFuture[0])).thenApply(done -> {
            Set<S2sEndpoint.Address> all = new LinkedHashSet<>();
            each.forEach(f -> all.addAll(f.join()));
            return List.copyOf(all);
        });
    }

    private CompletableFuture<List<S2sEndpoint.Address>> addresses(S2sEndpoint e) {
        InetAddress literal = ipLiteral(e.host());
        if (literal != null) {
            return CompletableFuture.completedFuture(
                    List.of(new S2sEndpoint.Address(new InetSocketAddress(literal, e.port()), e.host(), e.directTls())));
        }
        CompletableFuture<List<Record>> v4 = lookup(e.host(), Type.A).exceptionally(x -> List.of());
        CompletableFuture<List<Record>> v6 = lookup(e.host(), Type.AAAA).exceptionally(x -> List.of());
        return v4.thenCombine(v6, (a, b) -> {
            List<S2sEndpoint.Address> out = new ArrayList<>();
            for (Record r : concat(a, b)) {
                InetAddress ip = r instanceof ARecord ar ? ar.getAddress() : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                if (ip != null && out.size() < MAX_ADDRESSES) {
                    out.add(new S2sEndpoint.Address(new InetSocketAddress(ip, e.port()), e.host(), e.directTls()));
                }
            }
            return out;
        });
    }

    private CompletableFuture<List<Record>> lookup(String name, int type) {
        Name n;
        try {
            n = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(new NotFound("'" + name + "' is not a DNS name"));
        }
        return dns.lookupAsync(n, type).toCompletableFuture().thenApply(LookupResult::getRecords).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
                return CompletableFuture.completedFuture(List.of());
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private static List<Record> concat(List<Record> a, List<Record> b) {
        List<Record> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // "." (the root) becomes "", the marker of "no service"; other names lose their trailing dot.
    private static String hostOf(Name target) {
        String s = target.toString(true);
        return s.equals(".") ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** The address when {@code host} is an IPv4 or bracket-less IPv6 literal, else null; never asks DNS. */
    static InetAddress ipLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (v4) {
            for (String octet : h.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // InetAddress would take it for a host name and ask DNS
                }
            }
        }
        boolean v6 = h.contains(":") && h.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: parsed, not looked up
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
