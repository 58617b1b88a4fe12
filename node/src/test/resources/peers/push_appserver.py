#!/usr/bin/python3
"""A XEP-0357 app server as an external component (XEP-0114), built on slixmpp's ComponentXMPP, for PushIT.

    push_appserver.py DOMAIN SECRET HOST PORT

Each pubsub publish it gets is printed on one line, "PUBLISH " and a JSON object: the sender, the node, the
summary form's fields, the publish-options fields and the whole request as XML. A publish to a node whose name
starts with "fail-" is answered with an item-not-found error, any other with a result. It prints READY once the
server accepted its handshake, and ends on SIGTERM or when the stream ends.
"""
import asyncio
import json
import signal
import sys
import xml.etree.ElementTree as ET

from slixmpp.componentxmpp import ComponentXMPP
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import StanzaPath

PUBSUB = "{http://jabber.org/protocol/pubsub}"
DATA = "{jabber:x:data}"


def fields(form):
    out = {}
    if form is None:
        return out
    for field in form.findall(DATA + "field"):
        out[field.get("var")] = [v.text or "" for v in field.findall(DATA + "value")]
    return out


class AppServer(ComponentXMPP):
    def __init__(self, domain, secret, host, port):
        super().__init__(domain, secret, host, port)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.register_handler(Callback("publish", StanzaPath("iq@type=set"), self.on_set))

    def on_start(self, _):
        print("READY", flush=True)

    def on_set(self, iq):
        pubsub = iq.xml.find(PUBSUB + "pubsub")
        publish = None if pubsub is None else pubsub.find(PUBSUB + "publish")
        if publish is None:
            reply = iq.reply(clear=True)
            reply["type"] = "error"
            reply["error"]["condition"] = "bad-request"
            reply.send()
            return
        node = publish.get("node")
        summary = publish.find(PUBSUB + "item/{urn:xmpp:push:0}notification/" + DATA + "x")
        options = pubsub.find(PUBSUB + "publish-options/" + DATA + "x")
        record = {"from": str(iq["from"]), "node": node, "summary": fields(summary), "options": fields(options),
                  "xml": ET.tostring(iq.xml, encoding="unicode")}
        print("PUBLISH " + json.dumps(record), flush=True)
        reply = iq.reply(clear=True)
        if node.startswith("fail-"):
            reply["type"] = "error"
            reply["error"]["condition"] = "item-not-found"
            reply["error"]["type"] = "cancel"
        reply.send()

    def on_disconnected(self, _):
        print("DISCONNECTED", flush=True)
        asyncio.get_event_loop().stop()


def main():
    domain, secret, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    server = AppServer(domain, secret, host, port)
    loop = asyncio.get_event_loop()
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    server.connect()
    loop.run_forever()


if __name__ == "__main__":
    main()
