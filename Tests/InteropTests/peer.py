#!/usr/bin/python3
"""The foreign peer of swift-zeromq's interop suite (Tests/InteropTests).

A pyzmq program (Debian's python3-zmq) that plays one role of one ZeroMQ
pattern against the Swift binding. The Swift tests start it as

    /usr/bin/python3 peer.py ROLE (--bind | --connect ENDPOINT) [options]

Protocol on stdout, one line each, flushed:

    READY <endpoint>      the socket is bound (port chosen by
                          bind_to_random_port) or connected; security and
                          the ZAP authenticator are in place
    KEYPAIR <pub> <sec>   (role keygen, and CURVE clients that make their own
                          keys) a zmq.curve_keypair(), as Z85 text
    PUBLICHEX / SECRETHEX (role keygen) the same keys' 32 bytes, decoded by
                          pyzmq's own pure-Python Z85 (zmq.utils.z85)
    WARM                  (role sub) the first warm-up sentinel arrived
    VERDICT PASS [detail] everything received was byte for byte what the
                          test said it must be
    VERDICT FAIL <reason> anything else; the exit status is then 1

On stdin (role pub): a line "GO" ends the warm-up phase.

Messages are given as JSON: a list of messages, each a list of parts, each
part the hex of its bytes, e.g. '[["68656c6c6f"], ["", "00ff"]]', or "*N"
for N bytes of the pattern i % 251 (parts too large for a command line).

--expect-nothing passes only when nothing arrives within --timeout (a refused
peer); with --watch-handshake a socket monitor must also have seen the
handshake fail (so "nothing" is a refusal, not a peer that never came).

Every receive has a timeout (--timeout, ms) and the whole program a deadline
(--deadline, s; signal.alarm): it always exits.
"""

import argparse
import json
import os
import select
import signal
import struct
import sys
import time

import zmq
import zmq.auth
import zmq.utils.monitor
from zmq.utils import z85
from zmq.auth.thread import ThreadAuthenticator

# A child inherits the signal mask of the thread that spawned it, and the
# Swift test runner's worker threads block SIGALRM and SIGTERM (Foundation's
# Process on Linux does not reset the mask). Unblock everything, or the
# deadline below could never fire.
signal.pthread_sigmask(signal.SIG_SETMASK, [])

WARMUP = b"ctl.warmup"
END = b"ctl.end"
SENTINEL_TOPIC = b"ctl."

ctx = zmq.Context.instance()
authenticator = None
monitored = None  # the socket watched by --watch-handshake
monitor = None  # its monitor socket

HANDSHAKE_EVENTS = {
    zmq.EVENT_HANDSHAKE_SUCCEEDED: "HANDSHAKE_SUCCEEDED",
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL: "HANDSHAKE_FAILED_NO_DETAIL",
    zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL: "HANDSHAKE_FAILED_PROTOCOL",
    zmq.EVENT_HANDSHAKE_FAILED_AUTH: "HANDSHAKE_FAILED_AUTH",
}


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def hexdump(parts):
    return "[" + ", ".join(
        ("<%d bytes>" % len(p)) if len(p) > 64 else (p.hex() if p else "''") for p in parts) + "]"


def finish(ok, detail="", linger=1000):
    say(("VERDICT PASS" if ok else "VERDICT FAIL") + (" " + detail if detail else ""))
    if monitored is not None:
        monitored.disable_monitor()
    if authenticator is not None:
        authenticator.stop()
    # Give queued outgoing messages up to `linger` ms to leave, then go.
    ctx.destroy(linger=linger)
    os._exit(0 if ok else 1)


def fail(reason):
    finish(False, reason)


def on_alarm(signum, frame):
    say("VERDICT FAIL deadline: the peer did not finish in time")
    os._exit(3)


def pattern(count):
    """`count` bytes of i % 251: large parts the command line cannot carry."""
    return (bytes(range(251)) * (count // 251 + 1))[:count]


def parse_part(text):
    return pattern(int(text[1:])) if text.startswith("*") else bytes.fromhex(text)


def parse_messages(text):
    if text is None:
        return []
    return [[parse_part(part) for part in message] for message in json.loads(text)]


def check(index, got, want, what="message"):
    if got != want:
        fail("%s %d: got %s, want %s" % (what, index, hexdump(got), hexdump(want)))


def recv_parts(sock, index, what="message"):
    started = time.monotonic()
    try:
        return sock.recv_multipart()
    except zmq.Again:
        fail("%s %d: nothing arrived within %d ms (waited %d ms)" % (
            what, index, sock.getsockopt(zmq.RCVTIMEO), (time.monotonic() - started) * 1000))


def expect_nothing(sock, timeout_ms):
    """Passes when nothing arrives on `sock` for `timeout_ms`. With
    --watch-handshake, a handshake must also have been tried and have
    failed (so the refusal is not just a peer that never came)."""
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    if monitor is not None:
        poller.register(monitor, zmq.POLLIN)
    events = []
    end = time.monotonic() + timeout_ms / 1000.0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        ready = dict(poller.poll(left * 1000))
        if sock in ready:
            fail("a message arrived that must not: %s" % hexdump(sock.recv_multipart()))
        if monitor is not None and monitor in ready:
            event = zmq.utils.monitor.parse_monitor_message(monitor.recv_multipart())["event"]
            events.append(HANDSHAKE_EVENTS.get(event, str(event)))
            if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                fail("the handshake succeeded: %s" % events)
    if monitor is not None and not any(e.startswith("HANDSHAKE_FAILED") for e in events):
        fail("nothing arrived, but no handshake failed either (events: %s)" % events)
    finish(True, "nothing received in %d ms%s" % (
        timeout_ms, "; handshake events: %s" % ", ".join(events) if monitor is not None else ""), linger=0)


# -- socket set-up -----------------------------------------------------------


def setup(args, kind):
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.RCVTIMEO, args.timeout)
    sock.setsockopt(zmq.SNDTIMEO, args.timeout)
    sock.setsockopt(zmq.LINGER, 1000)
    if args.identity is not None:
        sock.setsockopt(zmq.ROUTING_ID, bytes.fromhex(args.identity))
    if args.zap_domain is not None:
        sock.setsockopt(zmq.ZAP_DOMAIN, args.zap_domain.encode())

    # Security: server side.
    if args.auth is not None:
        global authenticator
        authenticator = ThreadAuthenticator(ctx)
        authenticator.start()
        authenticator.allow("127.0.0.1")
        if args.auth == "plain":
            users = dict(pair.split(":", 1) for pair in args.allow_user)
            authenticator.configure_plain(domain="*", passwords=users)
        elif args.auth == "curve":
            allowed = set(k.encode() for k in args.allow_key)

            class Keys:
                def callback(self, domain, key):
                    return key in allowed

            authenticator.configure_curve_callback(domain="*", credentials_provider=Keys())
        else:
            fail("unknown --auth %s" % args.auth)
    if args.plain_server:
        sock.setsockopt(zmq.PLAIN_SERVER, 1)
    if args.curve_server_secret is not None:
        sock.setsockopt(zmq.CURVE_SERVER, 1)
        sock.setsockopt(zmq.CURVE_SECRETKEY, args.curve_server_secret.encode())
        if args.curve_server_public is not None:
            sock.setsockopt(zmq.CURVE_PUBLICKEY, args.curve_server_public.encode())

    # Security: client side.
    if args.plain_username is not None:
        sock.setsockopt(zmq.PLAIN_USERNAME, args.plain_username.encode())
        sock.setsockopt(zmq.PLAIN_PASSWORD, (args.plain_password or "").encode())
    if args.curve_serverkey is not None:
        if args.curve_public is None:
            public, secret = zmq.curve_keypair()
            say("KEYPAIR %s %s" % (public.decode(), secret.decode()))
        else:
            public, secret = args.curve_public.encode(), args.curve_secret.encode()
        sock.setsockopt(zmq.CURVE_SERVERKEY, args.curve_serverkey.encode())
        sock.setsockopt(zmq.CURVE_PUBLICKEY, public)
        sock.setsockopt(zmq.CURVE_SECRETKEY, secret)

    if args.watch_handshake:
        global monitored, monitor
        monitored = sock
        mask = 0
        for event in HANDSHAKE_EVENTS:
            mask |= event
        monitor = sock.get_monitor_socket(mask)

    for topic in args.subscribe:
        sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(topic))

    if args.bind:
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        endpoint = "tcp://127.0.0.1:%d" % port
    else:
        endpoint = args.connect
        sock.connect(endpoint)
    say("READY %s" % endpoint)
    return sock


# -- roles -------------------------------------------------------------------


def role_keygen(args):
    public, secret = zmq.curve_keypair()
    say("KEYPAIR %s %s" % (public.decode(), secret.decode()))
    say("PUBLICHEX %s" % z85.decode(public).hex())
    say("SECRETHEX %s" % z85.decode(secret).hex())
    finish(True)


def role_rep(args):
    sock = setup(args, zmq.REP)
    if args.expect_nothing:
        expect_nothing(sock, args.timeout)
    replies = parse_messages(args.send)
    for i, want in enumerate(parse_messages(args.expect)):
        got = recv_parts(sock, i, "request")
        check(i, got, want, "request")
        sock.send_multipart(replies[i] if i < len(replies) else got)
    finish(True)


def role_req(args):
    sock = setup(args, zmq.REQ)
    expected = parse_messages(args.expect)
    for i, message in enumerate(parse_messages(args.send)):
        sock.send_multipart(message)
        if args.expect_nothing:
            expect_nothing(sock, args.timeout)
        check(i, recv_parts(sock, i, "reply"), expected[i], "reply")
    finish(True)


def role_push(args):
    sock = setup(args, zmq.PUSH)
    for message in parse_messages(args.send):
        sock.send_multipart(message)
    finish(True)


def role_pull(args):
    sock = setup(args, zmq.PULL)
    if args.expect_nothing:
        expect_nothing(sock, args.timeout)
    for i, want in enumerate(parse_messages(args.expect)):
        got = recv_parts(sock, i)
        check(i, got, want)
    if sock.poll(100, zmq.POLLIN):
        fail("an extra message arrived: %s" % hexdump(sock.recv_multipart()))
    finish(True)


def role_pair(args):
    """Receives the expected messages, then sends its own."""
    sock = setup(args, zmq.PAIR)
    for i, want in enumerate(parse_messages(args.expect)):
        check(i, recv_parts(sock, i), want)
    for message in parse_messages(args.send):
        sock.send_multipart(message)
    finish(True)


def role_router(args):
    """Receives [routing id, *parts] and answers [routing id, *reply]."""
    sock = setup(args, zmq.ROUTER)
    replies = parse_messages(args.send)
    peer = bytes.fromhex(args.peer_id) if args.peer_id is not None else None
    for i, want in enumerate(parse_messages(args.expect)):
        frames = recv_parts(sock, i)
        identity, body = frames[0], frames[1:]
        if peer is not None and identity != peer:
            fail("message %d: routing id %s, want %s" % (i, identity.hex(), peer.hex()))
        if not identity:
            fail("message %d: empty routing id" % i)
        check(i, body, want)
        sock.send_multipart([identity] + (replies[i] if i < len(replies) else body))
    finish(True)


def role_dealer(args):
    sock = setup(args, zmq.DEALER)
    expected = parse_messages(args.expect)
    for i, message in enumerate(parse_messages(args.send)):
        sock.send_multipart(message)
        check(i, recv_parts(sock, i, "reply"), expected[i], "reply")
    finish(True)


def role_pub(args):
    """Publishes WARMUP until the test writes GO on stdin, then the messages, then END."""
    sock = setup(args, zmq.PUB)
    line = ""
    while line != "GO":
        sock.send(WARMUP)
        ready, _, _ = select.select([sys.stdin], [], [], 0.02)
        if ready:
            raw = sys.stdin.readline()
            if not raw:
                fail("stdin closed before GO")
            line = raw.strip()
    for message in parse_messages(args.send):
        sock.send_multipart(message)
    sock.send(END)
    finish(True)


def collect_until_end(sock, announce_warm):
    """Receives until END, skipping warm-up sentinels; returns the rest."""
    got, warm = [], False
    while True:
        frames = recv_parts(sock, len(got), "publication")
        if frames == [WARMUP]:
            if announce_warm and not warm:
                say("WARM")
            warm = True
            continue
        if frames == [END]:
            return got
        got.append(frames)


def check_all(got, want, what="publication"):
    if len(got) != len(want):
        fail("%d %ss arrived, want %d: got %s" % (len(got), what, len(want), [hexdump(m) for m in got]))
    for i, (g, w) in enumerate(zip(got, want)):
        check(i, g, w, what)


def role_sub(args):
    """Subscribes to --subscribe topics (then to the sentinels), announces WARM."""
    sock = setup(args, zmq.SUB)
    sock.setsockopt(zmq.SUBSCRIBE, SENTINEL_TOPIC)
    check_all(collect_until_end(sock, True), parse_messages(args.expect))
    finish(True)


def role_xpub(args):
    """Receives the subscription messages (--expect), publishes (--send) and
    END, then receives the messages of --expect-after (unsubscriptions)."""
    sock = setup(args, zmq.XPUB)
    for i, want in enumerate(parse_messages(args.expect)):
        check(i, recv_parts(sock, i, "subscription"), want, "subscription")
    for message in parse_messages(args.send):
        sock.send_multipart(message)
    sock.send(END)
    for i, want in enumerate(parse_messages(args.expect_after)):
        check(i, recv_parts(sock, i, "unsubscription"), want, "unsubscription")
    finish(True)


def role_xsub(args):
    """Sends subscription messages (--send), receives publications until END
    (--expect), then sends --send-after (unsubscriptions)."""
    sock = setup(args, zmq.XSUB)
    for message in parse_messages(args.send):
        sock.send_multipart(message)
    check_all(collect_until_end(sock, False), parse_messages(args.expect))
    for message in parse_messages(args.send_after):
        sock.send_multipart(message)
    finish(True)


# The Swift API's value encodings, as the bytes they must be on the wire. The Swift
# test sends these, in this order, one single-part message each.
ENCODED = [
    # label, the bytes the API documents, and (for integers) Python's own
    # encoding of the same value, checked below so a typo cannot pass.
    ("send(Int32(10))", b"\x0a\x00\x00\x00", ("<i", 10)),
    ("send(10) (an integer literal)", b"\x0a\x00\x00\x00", ("<i", 10)),
    ("send(true)", b"\x01\x00\x00\x00", ("<i", 1)),
    ("send(false)", b"\x00\x00\x00\x00", ("<i", 0)),
    ("send(Int32(-2))", b"\xfe\xff\xff\xff", ("<i", -2)),
    ("send(Int32.max)", b"\xff\xff\xff\x7f", ("<i", 2**31 - 1)),
    ("send(Int32(0x01020304))", b"\x04\x03\x02\x01", ("<i", 0x01020304)),
    ("send(Int64(10))", b"\x0a\x00\x00\x00\x00\x00\x00\x00", ("<q", 10)),
    ("send(Int64(-2))", b"\xfe\xff\xff\xff\xff\xff\xff\xff", ("<q", -2)),
    ("send(Int64(0x0102030405060708))", b"\x08\x07\x06\x05\x04\x03\x02\x01", ("<q", 0x0102030405060708)),
    ("send(\"text\")", b"text", None),
    ("send(\"h\u00e9llo \u2713 \U0001F389\")", "h\u00e9llo \u2713 \U0001F389".encode("utf-8"), None),
    ("send(\"a\\0b\")", b"a\x00b", None),
    ("send(\"\")", b"", None),
    ("send()", b"", None),
    ("send([0, 255, 1] as [UInt8])", b"\x00\xff\x01", None),
    ("send(Data([0xde, 0xad, 0xbe, 0xef]))", b"\xde\xad\xbe\xef", None),
]
for _label, _bytes, _packed in ENCODED:
    assert _packed is None or struct.pack(*_packed) == _bytes, _label


def role_encodings_check(args):
    """Receives ENCODED, in order, each a single part, byte for byte."""
    sock = setup(args, zmq.PULL)
    for i, (label, want, _) in enumerate(ENCODED):
        try:
            got = sock.recv_multipart()
        except zmq.Again:
            fail("%d %s: nothing arrived within the timeout" % (i, label))
        if got != [want]:
            fail("%d %s: got %s, want %s" % (i, label, hexdump(got), hexdump([want])))
    if sock.poll(200, zmq.POLLIN):
        fail("an extra message arrived: %s" % hexdump(sock.recv_multipart()))
    finish(True, "%d encodings byte for byte" % len(ENCODED))


# Bytes the Swift side decodes with recvInt / recvInt64 / recvString; the
# expected values are in the Swift test (EncodingTests.swift), in this order.
DECODED = [
    struct.pack("<i", 10),
    struct.pack("<i", -2),
    struct.pack("<i", 0x01020304),
    struct.pack("<q", 10),
    struct.pack("<q", -(1 << 40)),
    struct.pack("<q", 0x0102030405060708),
    b"text",
    "na\u00efve \u2713 \U0001F389".encode("utf-8"),
    b"hello\x00",  # trailing NUL, the only one: dropped
    b"a\x00b\x00",  # two NULs: both kept
    b"\x00",  # the only byte is a trailing NUL: dropped
    b"\x00\x00",  # two NULs: kept
    b"\xff\xfeok",  # invalid UTF-8: U+FFFD each
    b"caf\xc3",  # truncated sequence at the end: U+FFFD
    b"",  # empty string
    b"\x01\x02\x03",  # recvInt: 3 bytes, throws
    struct.pack("<i", 7),  # recvInt64: 4 bytes, throws
    b"after the errors",  # the socket still works
]


def role_encodings_send(args):
    sock = setup(args, zmq.PUSH)
    for data in DECODED:
        sock.send(data)
    finish(True, "%d messages sent" % len(DECODED))


ROLES = {
    "keygen": role_keygen,
    "rep": role_rep,
    "req": role_req,
    "push": role_push,
    "pull": role_pull,
    "pair": role_pair,
    "router": role_router,
    "dealer": role_dealer,
    "pub": role_pub,
    "sub": role_sub,
    "xpub": role_xpub,
    "xsub": role_xsub,
    "encodings-check": role_encodings_check,
    "encodings-send": role_encodings_send,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=sorted(ROLES))
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--bind", action="store_true", help="bind tcp://127.0.0.1 on a random port")
    where.add_argument("--connect", metavar="ENDPOINT")
    parser.add_argument("--deadline", type=int, default=10, help="seconds before the peer gives up (signal.alarm)")
    parser.add_argument("--timeout", type=int, default=5000, help="receive/send timeout, ms")
    parser.add_argument("--send", metavar="JSON", help="messages to send (or replies)")
    parser.add_argument("--send-after", metavar="JSON")
    parser.add_argument("--expect", metavar="JSON", help="messages that must arrive, byte for byte")
    parser.add_argument("--expect-after", metavar="JSON")
    parser.add_argument("--expect-nothing", action="store_true", help="pass only if nothing arrives within --timeout")
    parser.add_argument("--watch-handshake", action="store_true",
                        help="(with --expect-nothing) also require a failed handshake, seen by a socket monitor")
    parser.add_argument("--identity", metavar="HEX", help="ZMQ_ROUTING_ID of this socket")
    parser.add_argument("--peer-id", metavar="HEX", help="(router) the routing id the peer must have")
    parser.add_argument("--subscribe", metavar="HEX", action="append", default=[])
    parser.add_argument("--zap-domain")
    parser.add_argument("--plain-server", action="store_true")
    parser.add_argument("--plain-username")
    parser.add_argument("--plain-password")
    parser.add_argument("--curve-server-secret", metavar="Z85")
    parser.add_argument("--curve-server-public", metavar="Z85")
    parser.add_argument("--curve-serverkey", metavar="Z85", help="(client) the server's public key")
    parser.add_argument("--curve-public", metavar="Z85", help="(client) own key; made with zmq.curve_keypair() if absent")
    parser.add_argument("--curve-secret", metavar="Z85")
    parser.add_argument("--auth", choices=["plain", "curve"], help="run zmq.auth's ThreadAuthenticator")
    parser.add_argument("--allow-user", metavar="USER:PASSWORD", action="append", default=[])
    parser.add_argument("--allow-key", metavar="Z85", action="append", default=[])
    args = parser.parse_args()
    if args.role != "keygen" and not args.bind and args.connect is None:
        parser.error("--bind or --connect is required")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.deadline)
    try:
        ROLES[args.role](args)
    except SystemExit:
        raise
    except BaseException as error:  # any surprise is a verdict, not a hang
        fail("%s: %s" % (type(error).__name__, error))


if __name__ == "__main__":
    main()
