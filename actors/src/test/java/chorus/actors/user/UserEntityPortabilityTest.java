package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.account.PortableCredentials;
import chorus.actors.account.ScramHash;
import chorus.actors.caps.CapsCache;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.Xml;
import chorus.actors.feature.blocking.BlockList;
import chorus.actors.feature.blocking.BlockingFeature;
import chorus.actors.feature.pep.PepConfig;
import chorus.actors.feature.pep.PepFeature;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.pep.PepNodes;
import chorus.actors.feature.privatedata.PrivateHandler;
import chorus.actors.feature.privatedata.PrivatePortable;
import chorus.actors.feature.privatedata.PrivateStore;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.feature.vcard.StoredVCard;
import chorus.actors.feature.vcard.VCardHandler;
import chorus.actors.feature.vcard.VCardPortable;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Stanza;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0227 in the user's entity: a {@code <user/>} of the XEP's examples is built as the owner's requests would
 * build it (no push or notification goes out), exported back, and the export builds the same account again.
 */
class UserEntityPortabilityTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final String ROMEO_EXPORT = """
        <user xmlns='urn:xmpp:pie:0' name='juliet'>
          <query xmlns='jabber:iq:roster'>
            <item jid='romeo@montague.net' name='Romeo' subscription='both'><group>Friends</group></item>
            <item jid='tybalt@capulet.com' subscription='none' ask='subscribe'/>
          </query>
          <presence xmlns='jabber:client' type='subscribe' id='xk3h1v69' from='mercutio@montague.net'>
            <nick xmlns='http://jabber.org/protocol/nick'>Mercutio</nick>
          </presence>
          <vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN></vCard>
          <query xmlns='jabber:iq:private'>
            <exodus xmlns='exodus:prefs'><defaultnick>Juliet</defaultnick></exodus>
            <storage xmlns='storage:bookmarks'><conference jid='orchard@conference.shakespeare.lit'/></storage>
          </query>
          <query xmlns='jabber:iq:privacy'><default name='public'/></query>
          <blocklist xmlns='urn:xmpp:blocking'><item jid='tybalt@capulet.com'/></blocklist>
          <pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>
            <configure node='urn:xmpp:bookmarks:1'>
              <x xmlns='jabber:x:data' type='form'>
                <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>
                <field var='pubsub#access_model'><value>whitelist</value></field>
                <field var='pubsub#max_items'><value>10</value></field>
              </x>
            </configure>
            <configure node='http://jabber.org/protocol/nick'>
              <x xmlns='jabber:x:data' type='form'>
                <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>
                <field var='pubsub#access_model'><value>open</value></field>
                <field var='pubsub#title'><value>My nick</value></field>
                <field var='pubsub#max_items' type='text-single'/>
                <field var='pubsub#send_last_published_item' type='list-single'/>
              </x>
            </configure>
          </pubsub>
          <pubsub xmlns='http://jabber.org/protocol/pubsub'>
            <items node='urn:xmpp:bookmarks:1'>
              <item id='theplay@conference.shakespeare.lit'>
                <conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing' autojoin='true'><nick>Juliet</nick></conference>
              </item>
              <item id='orchard@conference.shakespeare.lit'>
                <conference xmlns='urn:xmpp:bookmarks:1' name='The Orchard' autojoin='1'><nick>Juliet</nick></conference>
              </item>
            </items>
            <items node='http://jabber.org/protocol/nick'>
              <item id='current'><nick xmlns='http://jabber.org/protocol/nick'>Jules</nick></item>
            </items>
          </pubsub>
        </user>""";

    final List<Stanza> routed = new CopyOnWriteArrayList<>();
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final InMemoryAccountDirectory directory = new InMemoryAccountDirectory();
    final Credentials creds = Credentials.derive("R0m30", 4096, new SecureRandom());

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> entity(String local) {
        AccountFeatures features = AccountFeatures.of(new BlockingFeature(),
            AccountFeature.of(new VCardHandler(), new VCardPortable()),
            AccountFeature.of(new PrivateHandler(), new PrivatePortable()),
            new PepFeature(new PepLimits(64 * 1024, 8, 20, 1024 * 1024), new CapsCache()));
        EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> e =
            EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(local + "@capulet.com",
                new UserEntity.Deps(new chorus.actors.xmpp.DomainJid("capulet.com"), routed::add, features,
                    Clock.fixed(UserEntityTest.NOW, ZoneOffset.UTC), UserSettings.defaults(), directory,
                    jid -> mailbox.getRef(), (st, c) -> { }),
                shard.getRef()));
        e.clear();
        return e;
    }

    UserEntity.Imported importInto(EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> e,
                                   Credentials c, List<Element> children) {
        return e.<UserEntity.Imported>runCommand(r -> new UserEntity.ImportAccount(c, children, r)).reply();
    }

    List<Element> export(EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> e) {
        List<Element> all = new ArrayList<>();
        int from = 0;
        do {
            int at = from;
            UserEntity.Exported page = e.<UserEntity.Exported>runCommand(r -> new UserEntity.ExportAccount(at, r)).reply();
            all.addAll(page.children());
            from = page.next();
        } while (from >= 0);
        return all;
    }

    // The nick node's form has fields without a value, as Prosody 0.12 writes those the owner never set.
    @Test
    void aUserOfTheXepsExamplesIsBuiltAsItsOwnersRequestsWouldBuildItWithoutAnyoneHearing() {
        var juliet = entity("juliet");
        UserEntity.Imported.Done done = assertInstanceOf(UserEntity.Imported.Done.class,
            importInto(juliet, creds, Xml.parse(ROMEO_EXPORT).elements()));
        AccountState s = juliet.getState();
        assertTrue(s.exists());
        assertTrue(s.credentials().verifyPlain("R0m30"));
        RosterItem romeo = s.roster().get(BareJid.parseBare("romeo@montague.net")).orElseThrow();
        assertEquals(Subscription.BOTH, romeo.subscription());
        assertEquals("Romeo", romeo.name());
        assertEquals(List.of("Friends"), romeo.groups());
        assertTrue(s.roster().get(BareJid.parseBare("tybalt@capulet.com")).orElseThrow().askOut());
        assertEquals(List.of(BareJid.parseBare("mercutio@montague.net")), s.roster().pendingIn());
        assertEquals("Juliet Capulet", s.slice(StoredVCard.KEY).vcard().childText("FN", "vcard-temp").orElseThrow());
        assertEquals(2, s.slice(PrivateStore.KEY).elements().size());
        assertEquals(List.of(BareJid.parseBare("tybalt@capulet.com")), s.slice(BlockList.KEY).blocked());
        PepNode bookmarks = s.slice(PepNodes.KEY).nodes().get("urn:xmpp:bookmarks:1");
        assertEquals(new PepConfig(PepConfig.WHITELIST, 10, PepConfig.ON_SUB_AND_PRESENCE), bookmarks.config());
        assertEquals(List.of("theplay@conference.shakespeare.lit", "orchard@conference.shakespeare.lit"),
            bookmarks.items().stream().map(i -> i.id()).toList());
        PepNode nick = s.slice(PepNodes.KEY).nodes().get("http://jabber.org/protocol/nick");
        assertEquals(PepConfig.OPEN, nick.config().access());
        assertEquals("Jules", nick.last().orElseThrow().payload().text());
        // What no feature carries is named; nothing went out (no answer, push or notification).
        assertEquals(List.of("{jabber:iq:privacy}query is not carried"), done.notes());
        assertTrue(routed.isEmpty(), "sent: " + routed);
        assertEquals(List.of("juliet@capulet.com"), directory.list().toCompletableFuture().join());
        // It survives a restart: the events are the account's own.
        assertEquals(s.roster(), juliet.restart().state().roster());
    }

    /** ejabberd 23.01 keeps the block list as the default privacy list and exports it as such. */
    @Test
    void ejabberdsBlockedContactsPrivacyListBecomesTheBlockListAndItsOtherRulesAreNamed() {
        var juliet = entity("juliet");
        UserEntity.Imported.Done done = assertInstanceOf(UserEntity.Imported.Done.class, importInto(juliet, creds,
            Xml.parse("""
                <user xmlns='urn:xmpp:pie:0' name='juliet'>
                  <query xmlns='jabber:iq:privacy'><default name='Blocked contacts'/>
                    <list name='Blocked contacts'>
                      <item value='tybalt@capulet.com' type='jid' order='0' action='deny'/>
                      <item value='paris@capulet.com' type='jid' order='1' action='deny'><message/></item>
                    </list>
                    <list name='invisible'><item action='deny' order='0'><presence-out/></item></list>
                  </query>
                </user>""").elements()));
        assertEquals(List.of(BareJid.parseBare("tybalt@capulet.com")), juliet.getState().slice(BlockList.KEY).blocked());
        assertEquals(List.of("2 privacy list rule(s) (XEP-0016) other than the blocked addresses of the default list "
            + "are not carried"), done.notes());
    }

    @Test
    void anExportBuildsTheSameAccountAgain() {
        var juliet = entity("juliet");
        importInto(juliet, creds, Xml.parse(ROMEO_EXPORT).elements());
        List<Element> exported = export(juliet);
        Credentials carried = PortableCredentials.fromElements(exported);
        assertEquals(creds, carried);
        var again = entity("nurse");
        UserEntity.Imported.Done done = assertInstanceOf(UserEntity.Imported.Done.class,
            importInto(again, carried, exported));
        assertEquals(List.of(), done.notes());
        AccountState a = juliet.getState();
        AccountState b = again.getState();
        assertEquals(a.roster().items(), b.roster().items());
        assertEquals(a.slices(), b.slices());
        assertEquals(exported, export(again));
    }

    @Test
    void anAccountWithOneHashOnlyIsCarriedWithIt() {
        var juliet = entity("juliet");
        Credentials sha1Only = new Credentials(creds.sha1(), null);
        importInto(juliet, sha1Only, List.of());
        List<Element> exported = export(juliet);
        assertEquals(1, exported.stream().filter(x -> x.is("scram-credentials", PortableCredentials.NS)).count());
        assertEquals("SCRAM-SHA-1", exported.get(0).attr("mechanism"));
        assertNull(PortableCredentials.fromElements(exported).scram(ScramHash.SHA_256));
    }

    @Test
    void anExistingAccountIsNotOverwrittenAndPartsGoOnlyToOneThatExists() {
        var juliet = entity("juliet");
        assertEquals(new UserEntity.Imported.Refused("item-not-found"),
            importInto(juliet, null, List.of(Xml.parse("<vCard xmlns='vcard-temp'><FN>Nurse</FN></vCard>"))));
        importInto(juliet, creds, List.of());
        assertEquals(new UserEntity.Imported.Refused("conflict"), importInto(juliet, creds, List.of()));
        importInto(juliet, null, List.of(Xml.parse("<vCard xmlns='vcard-temp'><FN>Later</FN></vCard>")));
        assertEquals("Later", juliet.getState().slice(StoredVCard.KEY).vcard().childText("FN", "vcard-temp").orElseThrow());
        var nobody = entity("nobody");
        assertNull(nobody.<UserEntity.Exported>runCommand(r -> new UserEntity.ExportAccount(0, r)).reply().children());
    }

    @Test
    void whatTheFeaturesRefuseIsLeftOutAndNamed() {
        var juliet = entity("juliet");
        String big = "x".repeat(VCardHandler.DEFAULT_MAX_WEIGHT + 1);
        UserEntity.Imported.Done done = assertInstanceOf(UserEntity.Imported.Done.class, importInto(juliet, creds,
            List.of(Xml.parse("<vCard xmlns='vcard-temp'><FN>" + big + "</FN></vCard>"),
                Xml.parse("<query xmlns='jabber:iq:private'><x xmlns='jabber:iq:reserved'/></query>"))));
        assertNull(juliet.getState().slice(StoredVCard.KEY).vcard());
        assertTrue(juliet.getState().slice(PrivateStore.KEY).elements().isEmpty());
        assertEquals(2, done.notes().size(), done.notes().toString());
        assertTrue(routed.isEmpty());
    }
}
