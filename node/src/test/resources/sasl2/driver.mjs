// Node.js 20 has WebSocket (which @xmpp/websocket uses) behind --experimental-websocket: XmppJs passes it.
// Drives one xmpp.js (@xmpp/client) client for Sasl2IT: SASL2 (XEP-0388), Bind 2 (XEP-0386) with carbons and CSI
// inline, XEP-0198 enabled and resumed inline, FAST (XEP-0484) tokens. Run with Node.js 20:
//   node driver.mjs   (NODE_PATH: the node_modules xmpp.js was installed into)
// Its options come as one JSON object in the environment variable DRIVER (service, domain, username, password,
// tag, carbons, inactive, token, requestToken). It reads commands from stdin, one JSON object a line, and writes
// what happens to stdout, one JSON object a line, each with the time it happened (ms since the epoch).
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import path from "node:path";

const options = JSON.parse(process.env.DRIVER);

// The node's certificate names its domain, not 127.0.0.1: a WebSocket URL names the domain, which resolves here.
import dns from "node:dns";
if (options.hosts) {
  const lookup = dns.lookup;
  dns.lookup = (host, opts, cb) => {
    const address = options.hosts[host];
    if (!address) return lookup(host, opts, cb);
    if (typeof opts === "function") return opts(null, address, 4);
    return opts?.all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4);
  };
}
const modules = process.env.XMPPJS_MODULES;
const load = async (name, file) => import(pathToFileURL(path.join(modules, name, file)).href);
const { client, xml } = await load("@xmpp/client", "index.js");

function emit(event, data = {}) {
  process.stdout.write(JSON.stringify({ event, at: Date.now(), ...data }) + "\n");
}

const xmpp = client({
  service: options.service,
  domain: options.domain,
  username: options.username,
  // A FAST login: no password, the token only (xmpp.js then asks for nothing else).
  password: options.password ?? undefined,
  resource: options.tag,
});

// XEP-0386 §4.2: what the client enables inline, through xmpp.js's Bind 2 extension point.
if (options.carbons) {
  xmpp.bind2.use("urn:xmpp:carbons:2", () => xml("enable", { xmlns: "urn:xmpp:carbons:2" }));
}
if (options.inactive) {
  xmpp.bind2.use("urn:xmpp:csi:0", () => xml("inactive", { xmlns: "urn:xmpp:csi:0" }));
}

// FAST: the token this client holds (from an earlier run), and what the server hands it.
let token = options.token ?? null;
xmpp.fast.fetchToken = async () => token;
xmpp.fast.saveToken = async (t) => {
  token = t;
  emit("token", { token: t });
};
xmpp.fast.deleteToken = async () => {
  token = null;
  emit("token-deleted");
};

xmpp.on("nonza", (el) => {
  if (el.is("features", "http://etherx.jabber.org/streams")) emit("features", { xml: el.toString() });
  if (el.is("success", "urn:xmpp:sasl:2")) emit("success", { xml: el.toString() });
  if (el.is("failure", "urn:xmpp:sasl:2")) emit("failure", { xml: el.toString() });
});
xmpp.on("stanza", (el) => emit("stanza", { xml: el.toString() }));
xmpp.on("online", async (jid) => {
  // RFC 6121 §4.2: the initial presence makes the resource available (xmpp.js sends none of its own).
  await xmpp.send(xml("presence"));
  emit("online", { jid: jid.toString(), sm: xmpp.streamManagement.id ?? null });
});
xmpp.on("error", (err) => emit("error", { message: String(err?.message ?? err), condition: err?.condition ?? null }));
xmpp.on("offline", () => emit("offline"));
xmpp.streamManagement.on("resumed", () => emit("resumed", { jid: xmpp.jid?.toString() }));
xmpp.streamManagement.on("fail", (stanza) => emit("sm-fail", { xml: stanza.toString() }));

const commands = createInterface({ input: process.stdin });
commands.on("line", async (line) => {
  const c = JSON.parse(line);
  try {
    if (c.op === "message") {
      await xmpp.send(xml("message", { to: c.to, type: "chat", id: c.id }, xml("body", {}, c.body)));
      emit("sent", { id: c.id });
    } else if (c.op === "drop") {
      // The connection dies without </stream:stream>: xmpp.js reconnects and resumes (XEP-0198 inline in SASL2).
      (xmpp.socket.socket ?? xmpp.socket).destroy();
      emit("dropped");
    } else if (c.op === "stop") {
      xmpp.reconnect.stop();
      await xmpp.stop();
      emit("stopped");
      process.exit(0);
    }
  } catch (err) {
    emit("error", { message: String(err?.message ?? err) });
  }
});

try {
  await xmpp.start();
} catch (err) {
  emit("start-failed", { message: String(err?.message ?? err), condition: err?.condition ?? null });
  process.exit(3);
}
