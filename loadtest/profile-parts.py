#!/usr/bin/env python3
"""Where a node's CPU and allocations go, by part (issue 18, "Chat: CPU per message").

  profile-parts.py threads PID > before.txt          per-thread CPU ticks of a process (/proc/PID/task/*/stat)
  profile-parts.py threadsdiff before.txt after.txt   CPU seconds by thread group between two snapshots
  profile-parts.py samples FILE.jfr [--per N]         JFR execution samples and allocation samples by part;
                                                      --per N: also each part's share of N units of work

Each execution sample is counted once, under the part of the frame nearest the leaf that belongs to a known part
(the same rule as "Where a login's time goes"); allocation samples are summed by their weight (bytes) the same way.
Needs the JDK's `jfr` tool on the PATH.
"""
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

# (part, prefixes of frame names), first match from the leaf up wins; order matters only within one frame.
PARTS = [
    ("TLS (netty ssl, tcnative, JDK crypto)", ("io.netty.handler.ssl", "io.netty.internal.tcnative",
                                               "sun.security.ssl", "com.sun.crypto", "javax.crypto",
                                               "sun.security.util", "sun.security.ec")),
    ("XML parse (Aalto, decoder, element tree, stanza parse, intake)", (
        "com.fasterxml.aalto", "chorus.node.stream.XmlStreamDecoder", "chorus.node.stream.XmlStreamParser",
        "chorus.node.stream.ElementTree", "chorus.node.stream.Aalto", "chorus.node.stream.Utf8Validator",
        "chorus.actors.xmpp.StanzaParser", "chorus.node.xmppstream.StanzaIntake", "chorus.node.xmppstream.StreamInput",
        "chorus.actors.xmpp.MessageCodec")),
    ("XML serialise (encoder, writer, toElement)", (
        "chorus.node.stream.XmlStreamEncoder", "chorus.actors.xmpp.XmlWriter", "chorus.actors.xmpp.TextWriter",
        "chorus.actors.xmpp.Element.movedNamespace", "chorus.actors.xmpp.Message.toElement",
        "chorus.actors.xmpp.Stanza.toElement", "chorus.actors.xmpp.NamespacePlan")),
    ("JID parse/prep", ("chorus.actors.xmpp.Jid", "chorus.actors.xmpp.BareJid", "chorus.actors.xmpp.FullJid",
                        "chorus.actors.xmpp.JidPrep", "chorus.actors.xmpp.JidSyntax", "rocks.xmpp")),
    ("frames / wire size", ("chorus.actors.cluster",)),
    ("metrics", ("io.micrometer", "io.prometheus", "chorus.actors.metrics", "chorus.node.metrics")),
    ("logging", ("ch.qos.logback", "org.slf4j", "org.apache.pekko.event")),
    ("Cassandra driver", ("com.datastax",)),
    ("Pekko persistence (journal, recovery)", ("org.apache.pekko.persistence",)),
    ("Pekko sharding (region, shard)", ("org.apache.pekko.cluster.sharding",)),
    ("Pekko cluster/remote (gossip, artery)", ("org.apache.pekko.cluster", "org.apache.pekko.remote")),
    ("Pekko streams", ("org.apache.pekko.stream",)),
    ("Pekko actors (mailboxes, dispatch, timers)", ("org.apache.pekko", "scala.")),
    ("Chorus session (node/session, csi, tcp transport)", ("chorus.node.session", "chorus.node.csi",
                                                           "chorus.node.tcp", "chorus.node.c2s")),
    ("Chorus routing, entity, features", ("chorus.actors.router", "chorus.actors.user", "chorus.actors.feature",
                                          "chorus.actors.mailbox")),
    ("Chorus stanza model (records, Element)", ("chorus.actors.xmpp",)),
    ("Netty I/O (epoll, pipeline, buffers)", ("io.netty",)),
    ("JDK I/O, NIO", ("sun.nio", "java.nio", "jdk.internal.misc.Unsafe")),
    ("JDK collections, strings, concurrency", ("java.", "jdk.", "sun.")),
]


GENERIC = ("JDK I/O, NIO", "JDK collections, strings, concurrency")


def part_of(frames):
    # A generic JDK frame (a HashMap, a String) counts for the nearest caller that belongs to a known part.
    for f in frames:  # leaf first
        for name, prefixes in PARTS:
            if f.startswith(prefixes):
                if name not in GENERIC:
                    return name
                break
    for f in frames:
        for name, prefixes in PARTS:
            if f.startswith(prefixes):
                return name
    return "other"


def events(jfr_file, kind, extra=()):
    out = subprocess.run(["jfr", "print", "--events", kind, "--stack-depth", "64", jfr_file],
                         check=True, capture_output=True, text=True).stdout
    ev, frames, in_stack = None, [], False
    for line in out.splitlines():
        s = line.strip()
        if s.startswith(kind + " {") or s == kind + " {":
            ev, frames, in_stack = {}, [], False
        elif ev is None:
            continue
        elif s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s == "]":
            in_stack = False
        elif in_stack:
            m = re.match(r"([\w$.<>]+)\(", s)
            if m:
                frames.append(m.group(1))
        elif s == "}" and not in_stack:
            ev["frames"] = frames
            yield ev
            ev = None
        else:
            for key in extra + ("sampledThread", "eventThread"):
                if s.startswith(key + " ="):
                    ev[key] = s.split("=", 1)[1].strip()


def weight_bytes(v):
    m = re.match(r"([\d.]+)\s*(bytes|kB|MB|GB)", v)
    if not m:
        return 0
    return float(m.group(1)) * {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[m.group(2)]


def thread_group(name):
    n = name.strip('"')
    for group, pat in [("Netty event loops", r"epoll|nioEventLoop|EventLoop"), ("Pekko dispatchers", r"dispatcher|pekko"),
                       ("GC", r"^GC |G1 |VM Thread|GC Thread"), ("JIT", r"Compiler|C1 |C2 "),
                       ("Cassandra driver", r"^s\d+-|cassandra|datastax"), ("JFR", r"JFR")]:
        if re.search(pat, n):
            return group
    return "other"


def samples(jfr_file, per):
    ex = Counter()
    by_thread = Counter()
    for ev in events(jfr_file, "jdk.ExecutionSample"):
        ex[part_of(ev["frames"])] += 1
        by_thread[thread_group(ev.get("sampledThread", "").split("(")[0].strip())] += 1
    total = sum(ex.values()) or 1
    print(f"execution samples: {total}")
    for name, n in ex.most_common():
        print(f"  {n:6d} {100.0 * n / total:5.1f}%  {name}")
    print("execution samples by thread group:")
    for name, n in by_thread.most_common():
        print(f"  {n:6d} {100.0 * n / total:5.1f}%  {name}")
    al = defaultdict(float)
    for ev in events(jfr_file, "jdk.ObjectAllocationSample", ("weight", "objectClass")):
        al[part_of(ev["frames"])] += weight_bytes(ev.get("weight", "0 bytes"))
    atotal = sum(al.values()) or 1
    print(f"allocation samples: {atotal / 1024 ** 2:.1f} MiB estimated in all"
          + (f", {atotal / per:.0f} bytes per unit of {per}" if per else ""))
    for name, b in sorted(al.items(), key=lambda kv: -kv[1]):
        print(f"  {b / 1024 ** 2:9.1f} MiB {100.0 * b / atotal:5.1f}%" + (f" {b / per:8.0f} B/unit" if per else "")
              + f"  {name}")


def threads(pid):
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2:].split()
        print(f"{tid}\t{int(rest[11]) + int(rest[12])}\t{name}")


def threadsdiff(before, after):
    def load(p):
        d = {}
        with open(p) as f:
            for line in f:
                tid, ticks, name = line.rstrip("\n").split("\t", 2)
                d[tid] = (int(ticks), name)
        return d
    b, a = load(before), load(after)
    hz = os.sysconf("SC_CLK_TCK")
    groups = Counter()
    for tid, (ticks, name) in a.items():
        groups[thread_group(name)] += ticks - b.get(tid, (0, name))[0]
    total = sum(groups.values())
    print(f"CPU seconds by thread group (total {total / hz:.2f} s):")
    for g, t in groups.most_common():
        print(f"  {t / hz:8.2f} s {100.0 * t / max(total, 1):5.1f}%  {g}")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "threads":
        threads(sys.argv[2])
    elif cmd == "threadsdiff":
        threadsdiff(sys.argv[2], sys.argv[3])
    elif cmd == "samples":
        per = int(sys.argv[sys.argv.index("--per") + 1]) if "--per" in sys.argv else 0
        samples(sys.argv[2], per)
    else:
        sys.exit(__doc__)
