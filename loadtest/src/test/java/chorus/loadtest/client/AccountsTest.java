package chorus.loadtest.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccountsTest {
    final Accounts accounts = new Accounts("load", 1, 100, "example.org", "pw");

    @Test
    void indexZeroIsTheFirstNumberedAccount() {
        assertEquals("load1@example.org", accounts.jid(0));
        assertEquals("load100", accounts.username(99));
    }

    @Test
    void bareAndFullJidsOfTheAccountsMapBackToTheirIndex() {
        for (int i = 0; i < accounts.count(); i++) {
            assertEquals(i, accounts.indexOf(accounts.jid(i)));
            assertEquals(i, accounts.indexOf(accounts.jid(i) + "/res/with/slashes"));
        }
    }

    @Test
    void addressesThatAreNotTheAccountsHaveNoIndex() {
        assertEquals(-1, accounts.indexOf("load0@example.org"));
        assertEquals(-1, accounts.indexOf("load101@example.org"));
        assertEquals(-1, accounts.indexOf("load01@example.org"));
        assertEquals(-1, accounts.indexOf("load1@other.org"));
        assertEquals(-1, accounts.indexOf("loadx@example.org"));
        assertEquals(-1, accounts.indexOf("example.org"));
        assertEquals(-1, accounts.indexOf(null));
        assertEquals(-1, accounts.indexOf("load99999999999999@example.org"));
    }

    @Test
    void theToStringOfAnAccountHidesItsPassword() {
        assertFalse(accounts.get(0).toString().contains("pw"));
        assertFalse(accounts.toString().contains("pw"));
    }

    @Test
    void anIndexOutsideTheAccountsIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> accounts.username(100));
    }
}
