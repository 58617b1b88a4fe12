#!/usr/bin/python3
"""An external component (XEP-0114) built on slixmpp's ComponentXMPP, for the federation tests.

    echo_component.py DOMAIN SECRET HOST PORT

It serves DOMAIN: a chat message to anyone@DOMAIN comes back as "echo: <body>" from that address; a
presence subscription is accepted and answered with available presence, and probes get it too.
It prints READY once the server accepted its handshake, and ends on SIGTERM or when the stream ends.
"""
import asyncio
import signal
import sys

from slixmpp.componentxmpp import ComponentXMPP


class Echo(ComponentXMPP):
    def __init__(self, domain, secret, host, port):
        super().__init__(domain, secret, host, port)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence_subscribe", self.on_subscribe)
        self.add_event_handler("presence_probe", self.on_probe)
        self.add_event_handler("disconnected", self.on_disconnected)

    def on_start(self, _):
        print("READY", flush=True)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.send_message(mto=msg["from"], mfrom=msg["to"], mbody="echo: " + msg["body"], mtype=msg["type"])

    def on_subscribe(self, pres):
        self.send_presence(pto=pres["from"].bare, pfrom=pres["to"].bare, ptype="subscribed")
        self.send_presence(pto=pres["from"].bare, pfrom=pres["to"].bare)

    def on_probe(self, pres):
        self.send_presence(pto=pres["from"], pfrom=pres["to"])

    def on_disconnected(self, _):
        print("DISCONNECTED", flush=True)
        asyncio.get_event_loop().stop()


def main():
    domain, secret, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    component = Echo(domain, secret, host, port)
    loop = asyncio.get_event_loop()
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    component.connect()
    loop.run_forever()


if __name__ == "__main__":
    main()
