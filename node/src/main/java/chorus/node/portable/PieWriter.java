package chorus.node.portable;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.XmlWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes an XEP-0227 document for one host, a {@code <user/>} at a time, as it goes: what was written is never held
 * in memory. {@link #close()} ends the document (and closes the stream).
 */
final class PieWriter implements AutoCloseable {
    private final Writer out;

    PieWriter(OutputStream out, String host) throws IOException {
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("<?xml version='1.0' encoding='UTF-8'?>\n<server-data xmlns='")
            .append(PieReader.NS).append("'>\n<host jid='");
        XmlWriter.escapeAttr(host, head);
        this.out.write(head.append("'>\n").toString());
    }

    /** One account: its name (the localpart) and the children of its {@code <user/>}. */
    void user(String name, List<Element> children) throws IOException {
        StringBuilder b = new StringBuilder("<user name='");
        XmlWriter.escapeAttr(name, b);
        b.append("'>");
        for (Element e : children) {
            XmlWriter.write(e, PieReader.NS, b);
        }
        out.write(b.append("</user>\n").toString());
    }

    @Override
    public void close() throws IOException {
        out.write("</host>\n</server-data>\n");
        out.close();
    }
}
