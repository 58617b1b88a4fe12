package chorus.node.session;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Stanza;

import java.util.ArrayList;
import java.util.List;

/** The extensions of one session, in the order they were registered: each hook, for all. */
final class Extensions {
    private final List<SessionExtension> all = new ArrayList<>();

    Extensions(List<SessionExtension.Factory> factories, SessionLink link) {
        for (SessionExtension.Factory f : factories) {
            all.add(f.create(link));
        }
    }

    List<Element> features() {
        List<Element> out = new ArrayList<>();
        all.forEach(x -> out.addAll(x.features()));
        return out;
    }

    boolean element(Element e) {
        for (SessionExtension x : all) {
            if (x.element(e)) {
                return true;
            }
        }
        return false;
    }

    boolean fromClient(Stanza st) {
        for (SessionExtension x : all) {
            if (!x.fromClient(st)) {
                return false;
            }
        }
        return true;
    }

    boolean toClient(Stanza st) {
        for (SessionExtension x : all) {
            if (!x.toClient(st)) {
                return false;
            }
        }
        return true;
    }

    void fromAccount(SessionMessage m) {
        all.forEach(x -> x.fromAccount(m));
    }

    SessionMessage.Resumption handOver(SessionMessage.Resumption r) {
        SessionMessage.Resumption out = r;
        for (SessionExtension x : all) {
            out = x.handOver(out);
        }
        return out;
    }

    void resumed(SessionMessage.Resumption r) {
        all.forEach(x -> x.resumed(r));
    }
}
