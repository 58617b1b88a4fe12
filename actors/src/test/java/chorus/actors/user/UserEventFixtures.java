package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.account.ScramCredentials;
import chorus.actors.account.ScramHash;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Jid;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The user entity's events as written by an earlier version, kept as a fixture: every later version
 * must still read them (UserEventFixturesTest). When an event class changes shape, write a fixture
 * of the new version and keep the old files:
 * {@code mvn -pl actors -am test -Dtest=UserEventFixturesTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dchorus.fixtures.write=$PWD/actors/src/test/resources/fixtures/user-events-v2.txt}.
 */
public final class UserEventFixtures {
    static final byte[] SALT1 = "fixture-salt-one".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SALT256 = "fixture-salt-256".getBytes(StandardCharsets.US_ASCII);
    static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");

    private UserEventFixtures() {
    }

    /** The events every fixture holds, in order; what reading a fixture must give back. */
    static List<UserEntity.Event> events() {
        Credentials creds = new Credentials(
            ScramCredentials.derive(ScramHash.SHA_1, "fixture password", SALT1, 4096),
            ScramCredentials.derive(ScramHash.SHA_256, "fixture password", SALT256, 4096));
        RosterItem romeo = RosterItem.of(new BareJid("romeo", "example.org")).withName("Romeo")
            .withGroups(List.of("Montagues", "Friends")).withState(Subscription.BOTH, false, false);
        RosterItem nurse = RosterItem.of(new BareJid("nurse", "example.org"))
            .withState(Subscription.NONE, true, false);
        return List.of(
            new UserEntity.AccountCreated(creds, AT),
            new UserEntity.RosterItemSet(romeo),
            new UserEntity.RosterItemSet(nurse),
            new UserEntity.RosterItemRemoved(Jid.parse("nurse@example.org")),
            new UserEntity.PasswordChanged(creds, AT.plusSeconds(60)),
            new UserEntity.AccountRemoved(AT.plusSeconds(120)));
    }

    /** One line per event: "serializerId manifest base64". */
    static List<String> write(Serialization ser) {
        List<String> lines = new ArrayList<>();
        for (UserEntity.Event e : events()) {
            var s = ser.findSerializerFor(e);
            lines.add(s.identifier() + " " + Serializers.manifestFor(s, e) + " "
                + Base64.getEncoder().encodeToString(s.toBinary(e)));
        }
        return lines;
    }
}
