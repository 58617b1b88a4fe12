package chorus.node;

import chorus.actors.caps.CapsCache;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.Features;
import chorus.actors.feature.IqHandler;
import chorus.actors.feature.adhoc.AdHocCommand;
import chorus.actors.feature.adhoc.AdHocHandler;
import chorus.actors.feature.invite.InviteCommands;
import chorus.actors.feature.invite.InviteFeature;
import chorus.actors.feature.invite.InviteSettings;
import chorus.actors.feature.invite.Invites;
import chorus.actors.feature.adhoc.CommandSessions;
import chorus.actors.feature.admin.AdminCommands;
import chorus.actors.feature.blocking.BlockingFeature;
import chorus.actors.feature.blocking.BlockingHandler;
import chorus.actors.feature.carbons.CarbonsFeature;
import chorus.actors.feature.fast.FastFeature;
import chorus.actors.feature.fast.FastSettings;
import chorus.actors.feature.carbons.CarbonsSettings;
import chorus.actors.feature.contact.ContactAddresses;
import chorus.actors.feature.contact.ContactInfo;
import chorus.actors.feature.avatars.AvatarFeature;
import chorus.actors.feature.bookmarks.BookmarksFeature;
import chorus.actors.feature.disco.DiscoHandler;
import chorus.actors.feature.push.PushFeature;
import chorus.actors.feature.push.PushSettings;
import chorus.actors.feature.extdisco.ExtDiscoHandler;
import chorus.actors.feature.extdisco.ExtDiscoSettings;
import chorus.actors.feature.last.LastActivityFeature;
import chorus.actors.feature.last.LastActivityHandler;
import chorus.actors.feature.mam.ArchiveFeature;
import chorus.actors.feature.mam.MamSettings;
import chorus.actors.feature.pep.PepFeature;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.feature.privatedata.PrivateHandler;
import chorus.actors.feature.privatedata.PrivatePortable;
import chorus.actors.feature.register.RegisterForm;
import chorus.actors.feature.time.TimeHandler;
import chorus.actors.feature.vcard.VCardHandler;
import chorus.actors.feature.vcard.VCardPortable;
import chorus.actors.feature.version.VersionHandler;
import chorus.actors.feature.webpresence.BadgeBoard;
import chorus.actors.feature.webpresence.ReplicatedBadgeBoard;
import chorus.actors.feature.webpresence.WebPresenceFeature;
import chorus.actors.feature.webpresence.WebPresenceSettings;
import chorus.actors.mailbox.MailboxEntity;
import chorus.node.admin.AccountService;
import chorus.node.admin.ClusterAdmin;
import chorus.node.cli.Version;
import chorus.node.config.Settings;
import chorus.node.metrics.NodeRegistry;
import chorus.node.storage.NodeStorage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's features: the IQ handlers the server itself answers, and the features of every account in the order
 * their hooks run. Disco lists both, so it sees them through references set once both lists exist.
 *
 * @param server  what the server answers (XEP-0050/0133 commands, disco, ping, version, time, ...)
 * @param account every account's features
 * @param badges  the web presence badge board, or null when the server offers no badges
 * @param invites invitations (XEP-0401), made by the commands and the admin API, redeemed by the sessions
 */
record NodeFeatures(Features server, AccountFeatures account, BadgeBoard badges, DiscoHandler disco, Invites invites) {

    /** @param services the domains of the server's services (MUC, upload), listed in disco#items */
    static NodeFeatures build(Settings settings, ActorSystem<Void> system, ClusterSharding sharding,
                              AccountService accounts, NodeStorage storage, NodeRegistry registry, Clock clock,
                              List<String> services) {
        AtomicReference<Features> serverRef = new AtomicReference<>();
        AtomicReference<AccountFeatures> accountRef = new AtomicReference<>();
        CarbonsSettings carbons = CarbonsSettings.from(storage.systemConfig());
        DiscoHandler disco = new DiscoHandler("Chorus",
            () -> plus(plus(serverRef.get().discoFeatures(), MailboxEntity.XEP_0160, RegisterForm.NS),
                carbons.enabled() ? CarbonsFeature.SERVER_FEATURES.toArray(String[]::new) : new String[0]),
            () -> accountRef.get().discoFeatures(), services, () -> serverRef.get().discoForms());
        LastActivityHandler last = new LastActivityHandler(clock.instant());
        VCardHandler vcard = new VCardHandler();
        PrivateHandler privateData = new PrivateHandler();
        BlockingHandler blocking = new BlockingHandler();
        Invites invites = new Invites(inviteSettings(storage), storage.invites(clock), settings.domain(), clock);
        // XEP-0133 for the admins and XEP-0401's invitations, over XEP-0050; it answers its disco nodes, so it comes
        // before disco.
        List<AdHocCommand> commands = new ArrayList<>(new AdminCommands(
            new ClusterAdmin(accounts, sharding, system, settings.domain().toString()), settings.domain(),
            Set.copyOf(settings.registration().admins())).all());
        commands.addAll(new InviteCommands(invites, settings.domain(), Set.copyOf(settings.registration().admins())).all());
        AdHocHandler adhoc = new AdHocHandler(commands, CommandSessions.defaults(clock));
        // The server lists what its accounts support too: clients look for these on the server (XEP-0030).
        List<IqHandler> server = List.of(adhoc, disco, new PingHandler(),
            new VersionHandler("Chorus", Version.current(), settings.versionShowsOs()), new TimeHandler(), last,
            vcard, privateData, blocking, new ContactInfo(ContactAddresses.from(storage.systemConfig())),
            new ExtDiscoHandler(ExtDiscoSettings.from(storage.systemConfig())));
        MamSettings mam = MamSettings.from(storage.systemConfig());
        // The features of every account, in the order their hooks run (blocking refuses a blocked sender
        // before anything else looks at its stanza).
        // The opt-in web presence badge, when the server offers it: its command is answered before disco's.
        WebPresenceSettings webPresence = WebPresenceSettings.from(storage.systemConfig());
        BadgeBoard badges = webPresence.enabled() ? ReplicatedBadgeBoard.start(system) : null;
        PepLimits pepLimits = PepLimits.from(storage.systemConfig());
        List<AccountFeature> features = new ArrayList<>(List.of(new BlockingFeature(blocking)));
        if (badges != null) {
            features.add(new WebPresenceFeature(badges));
        }
        features.addAll(List.of(AccountFeature.of(disco),
            AccountFeature.of(new PingHandler()), AccountFeature.of(vcard, new VCardPortable()),
            AccountFeature.of(privateData, new PrivatePortable()),
            new LastActivityFeature(last), new PepFeature(pepLimits, new CapsCache()),
            new BookmarksFeature(pepLimits, privateData.maxWeight()), new AvatarFeature(pepLimits, vcard.maxWeight()),
            new ArchiveFeature(mam, storage.archive(clock), registry.metrics()), new InviteFeature(invites)));
        PushSettings push = PushSettings.from(storage.systemConfig());
        if (push.enabled()) {
            features.add(new PushFeature(push));
        }
        FastSettings fast = FastSettings.from(storage.systemConfig());
        if (fast.enabled()) {
            features.add(new FastFeature(fast));
        }
        AccountFeatures account = AccountFeatures.of(features.toArray(AccountFeature[]::new));
        if (carbons.enabled()) {
            // Last: copies carry the message as the resources get it (with the archive's stanza-id).
            account = account.plus(new CarbonsFeature(carbons));
        }
        serverRef.set(new Features(server));
        accountRef.set(account);
        return new NodeFeatures(serverRef.get(), account, badges, disco, invites);
    }

    /** A bad value stops the node at start with a message naming the setting. */
    private static InviteSettings inviteSettings(NodeStorage storage) {
        try {
            return InviteSettings.from(storage.systemConfig());
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            throw new chorus.node.config.SettingsException("chorus.invites", e.getMessage());
        }
    }

    static Set<String> plus(Set<String> s, String... more) {
        Set<String> out = new TreeSet<>(s);
        out.addAll(List.of(more));
        return out;
    }
}
