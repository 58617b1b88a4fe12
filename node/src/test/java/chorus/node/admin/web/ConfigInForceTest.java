package chorus.node.admin.web;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the web admin's settings page shows of a value: never a secret, not even one inside a list of objects. */
class ConfigInForceTest {
    static final Config C = ConfigFactory.parseString("""
        extdisco.services = [{ type = turn, host = "turn.example.org", secret = "north-wind-secret-0123" }]
        contact.abuse = ["mailto:abuse@example.org"]
        cluster.tls.key-password = "x"
        bind = "127.0.6.1"
        """);

    @Test
    void aTurnSecretInsideTheServicesListHidesTheList() {
        assertEquals("(holds a secret: hidden)", WebAdmin.shown("extdisco.services", C.getValue("extdisco.services")));
    }

    @Test
    void secretsByNameAndAddressesAreHiddenAndTheRestShown() {
        assertEquals("(hidden)", WebAdmin.shown("cluster.tls.key-password", C.getValue("cluster.tls.key-password")));
        assertEquals("(an address)", WebAdmin.shown("bind", C.getValue("bind")));
        assertEquals("[\"mailto:abuse@example.org\"]", WebAdmin.shown("contact.abuse", C.getValue("contact.abuse")));
    }
}
