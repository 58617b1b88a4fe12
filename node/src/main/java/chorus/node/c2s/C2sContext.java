package chorus.node.c2s;

import chorus.node.config.Settings;
import chorus.node.session.SessionContext;
import chorus.node.tls.TlsContexts;

/**
 * What the client listeners of this node share: the settings (ports, limits), TLS, the count of sessions, and
 * what every stream session needs ({@code sessions}).
 */
public record C2sContext(Settings settings, TlsContexts tls, SessionCounter counter, SessionContext sessions) {

    @Override
    public String toString() {
        return "C2sContext[" + settings.domain() + "]";
    }
}
