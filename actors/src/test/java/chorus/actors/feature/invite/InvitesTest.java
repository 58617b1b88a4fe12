package chorus.actors.feature.invite;

import chorus.actors.feature.adhoc.AdHocCommand;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Jid;
import chorus.persistence.invites.InMemoryInviteStore;
import chorus.persistence.invites.InviteStore;
import chorus.persistence.invites.StoredInvite;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvitesTest {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final BareJid ADMIN = new BareJid("admin", "example.org");

    /** The store, with what it was given kept in view. */
    static final class Recording implements InviteStore {
        final InMemoryInviteStore memory;
        StoredInvite last;

        Recording(Clock clock) {
            memory = new InMemoryInviteStore(clock);
        }

        @Override
        public CompletionStage<Void> put(StoredInvite invite) {
            last = invite;
            return memory.put(invite);
        }

        @Override
        public CompletionStage<Optional<StoredInvite>> find(String tokenHash) {
            return memory.find(tokenHash);
        }

        @Override
        public CompletionStage<Optional<StoredInvite>> take(String tokenHash) {
            return memory.take(tokenHash);
        }

        @Override
        public CompletionStage<Integer> openBy(String inviter) {
            return memory.openBy(inviter);
        }

        @Override
        public CompletionStage<Void> eraseInviter(String inviter) {
            return memory.eraseInviter(inviter);
        }
    }

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final Recording store = new Recording(clock);
    final Invites invites = new Invites(new InviteSettings(true, Duration.ofDays(7), 2, true), store, DOMAIN, clock);

    static <T> T get(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void aUserInviteIsARosterUriThatAllowsRegistrationAndAnAccountInviteARegisterUri() {
        Invite user = get(invites.user(ROMEO));
        assertEquals("xmpp:romeo@example.org?roster;preauth=" + user.token() + ";ibr=y", user.uri());
        Invite account = get(invites.account());
        assertEquals("xmpp:example.org?register;preauth=" + account.token(), account.uri());
        assertEquals(NOW.plus(Duration.ofDays(7)), account.expires());
        assertFalse(user.toString().contains(user.token()), "toString must not show the token");
    }

    @Test
    void onlyTheTokensHashIsStoredAndItFindsTheInvite() {
        Invite made = get(invites.user(ROMEO));
        assertEquals(22, made.token().length(), "128 random bits, base64url");
        assertNotEquals(made.token(), store.last.tokenHash());
        assertFalse(store.last.toString().contains(made.token()));
        assertEquals(Invites.hash(made.token()), store.last.tokenHash());
        Invites.Held held = get(invites.check(made.token())).orElseThrow();
        assertEquals(Invite.Kind.USER, held.kind());
        assertEquals(ROMEO, held.inviter());
    }

    @Test
    void aTokenIsTakenOnceAndACheckDoesNotUseItUp() {
        Invite made = get(invites.account());
        assertTrue(get(invites.check(made.token())).isPresent());
        assertTrue(get(invites.check(made.token())).isPresent());
        assertTrue(get(invites.take(made.token())).isPresent());
        assertEquals(Optional.empty(), get(invites.take(made.token())));
        assertEquals(Optional.empty(), get(invites.check(made.token())));
    }

    @Test
    void aTokenGivenBackAfterAFailedRegistrationCanBeUsedAgain() {
        Invite made = get(invites.account());
        Invites.Held held = get(invites.take(made.token())).orElseThrow();
        get(invites.giveBack(held));
        assertTrue(get(invites.take(made.token())).isPresent());
    }

    @Test
    void anExpiredTokenIsRefused() {
        Invites earlier = new Invites(new InviteSettings(true, Duration.ofDays(7), 2, true), store, DOMAIN,
            Clock.fixed(NOW.minus(Duration.ofDays(7)).minusSeconds(1), ZoneOffset.UTC));
        Invite old = get(earlier.account());
        assertEquals(Optional.empty(), get(invites.check(old.token())));
        assertEquals(Optional.empty(), get(invites.take(old.token())));
    }

    @Test
    void unknownAndMalformedTokensAreRefused() {
        assertEquals(Optional.empty(), get(invites.check("AAAAAAAAAAAAAAAAAAAAAA")));
        assertEquals(Optional.empty(), get(invites.check("<script>")));
        assertEquals(Optional.empty(), get(invites.check("x".repeat(65))));
        assertEquals(Optional.empty(), get(invites.check(null)));
    }

    @Test
    void aUserHasAtMostMaxPerUserOpenInvites() {
        get(invites.user(ROMEO));
        Invite second = get(invites.user(ROMEO));
        CompletionException e = assertThrows(CompletionException.class, () -> get(invites.user(ROMEO)));
        assertInstanceOf(Invites.Refused.class, e.getCause());
        // A used invite is no longer open.
        get(invites.take(second.token()));
        get(invites.user(ROMEO));
    }

    @Test
    void usersMayNotInviteUnlessTheSettingAllowsIt() {
        Invites closed = new Invites(InviteSettings.defaults(), store, DOMAIN, clock);
        CompletionException e = assertThrows(CompletionException.class, () -> get(closed.user(ROMEO)));
        assertInstanceOf(Invites.Refused.class, e.getCause());
        List<AdHocCommand> commands = new InviteCommands(closed, DOMAIN, Set.of(ADMIN)).all();
        assertFalse(commands.get(0).allowed(ROMEO.withResource("phone")));
        assertTrue(commands.get(1).allowed(ADMIN.withResource("phone")));
        assertFalse(commands.get(1).allowed(ROMEO.withResource("phone")));
    }

    @Test
    void erasingTheInvitersAccountErasesItsOpenInvites() {
        Invite mine = get(invites.user(ROMEO));
        Invite admins = get(invites.account());
        get(invites.eraseInviter(ROMEO));
        assertEquals(Optional.empty(), get(invites.check(mine.token())));
        assertTrue(get(invites.check(admins.token())).isPresent());
        assertEquals(0, get(invites.openBy(ROMEO)));
    }

    @Test
    void theInviteCommandAnswersAFormWithTheUriAndItsExpiry() {
        AdHocCommand invite = new InviteCommands(invites, DOMAIN, Set.of()).all().get(0);
        assertEquals(InviteCommands.INVITE, invite.node());
        assertTrue(invite.allowed(ROMEO.withResource("phone")));
        assertFalse(invite.allowed(Jid.parse("someone@elsewhere.example/x")));
        AdHocCommand.Outcome.Completed done =
            (AdHocCommand.Outcome.Completed) get(invite.run(ROMEO.withResource("phone"), Map.of()));
        Map<String, List<String>> values = chorus.actors.xmpp.DataForm.values(done.result());
        assertTrue(values.get("uri").get(0).startsWith("xmpp:romeo@example.org?roster;preauth="), values.toString());
        assertEquals(List.of(NOW.plus(Duration.ofDays(7)).toString()), values.get("expire"));
    }

    @Test
    void aBadSettingIsRefusedNamingIt() {
        com.typesafe.config.Config bad = com.typesafe.config.ConfigFactory.parseString(
            "chorus.invites.expire-after = 0s").withFallback(com.typesafe.config.ConfigFactory.load());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InviteSettings.from(bad));
        assertTrue(e.getMessage().contains("chorus.invites.expire-after"), e.getMessage());
        assertEquals(InviteSettings.defaults(), InviteSettings.from(com.typesafe.config.ConfigFactory.load()));
    }

    @Test
    void offNoCommandsAndNoRedemption() {
        Invite made = get(invites.account());
        Invites off = new Invites(new InviteSettings(false, Duration.ofDays(7), 2, true), store, DOMAIN, clock);
        assertTrue(new InviteCommands(off, DOMAIN, Set.of(ADMIN)).all().isEmpty());
        assertEquals(Optional.empty(), get(off.check(made.token())));
    }
}
