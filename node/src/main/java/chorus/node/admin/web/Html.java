package chorus.node.admin.web;

import chorus.actors.xmpp.XmlWriter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one place the web admin turns text into HTML: {@link #e} escapes every value a page shows, and
 * {@link #page} wraps a body in the layout. Pages load nothing from elsewhere and run no script.
 */
final class Html {
    private Html() {
    }

    /**
     * Escapes text for element content and quoted attribute values alike: the server's one escaper (its
     * attribute form, which also covers quotes; HTML5 reads {@code &apos;} and numeric references as XML does).
     */
    static String e(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        XmlWriter.escapeAttr(s, out);
        return out.toString();
    }

    /** A whole page; {@code body} is HTML already built with {@link #e}. {@code csrf} null: logged out. */
    static String page(String title, String body, String csrf, String flash) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .append("<title>").append(e(title)).append(" · Chorus admin</title>")
            .append("<link rel=\"stylesheet\" href=\"/admin/style.css\"></head><body><header><strong>Chorus admin</strong>");
        if (csrf != null) {
            b.append("<nav><a href=\"/admin/\">Overview</a><a href=\"/admin/users\">Users</a>")
                .append("<a href=\"/admin/diagnostics\">Diagnostics</a><a href=\"/admin/config\">Configuration</a></nav>")
                .append("<form method=\"post\" action=\"/admin/logout\">").append(csrfField(csrf))
                .append("<button type=\"submit\">Log out</button></form>");
        }
        b.append("</header><main><h1>").append(e(title)).append("</h1>");
        if (flash != null) {
            b.append("<p class=\"flash\" id=\"flash\">").append(e(flash)).append("</p>");
        }
        return b.append(body).append("</main></body></html>").toString();
    }

    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + e(csrf) + "\">";
    }

    /**
     * How a page names a cluster node: a short digest of its cluster address, so that pages show no address
     * (chorusctl cluster shows the addresses to an admin at the machine).
     */
    static String nodeLabel(String hostPort) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(hostPort.getBytes(StandardCharsets.UTF_8));
            return "node-" + HexFormat.of().formatHex(d, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String STYLE = """
        body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
        header{display:flex;gap:1.5em;align-items:center;background:#23395b;color:#fff;padding:.6em 1.2em}
        header nav{display:flex;gap:1em;flex:1}header a{color:#fff}header form{margin:0}
        main{padding:1em 1.5em;max-width:70em}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
        table{border-collapse:collapse;background:#fff;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
        th{background:#eceae4}td.n{text-align:right}form.inline{display:inline-flex;gap:.3em;margin:0}
        .flash{background:#e7f4e4;border:1px solid #8c8;padding:.5em}.error{background:#fbe9e7;border-color:#d88}
        label{display:block;margin:.4em 0}input{font:inherit;padding:.2em}button{font:inherit;cursor:pointer}
        .muted{color:#666}
        """;
}
