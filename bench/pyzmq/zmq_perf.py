#!/usr/bin/python3
"""zmq_perf.py: libzmq's six perf tools over pyzmq, the Python twin of
zmq-perf (Swift) and zmq-perf-c (bench/c/zmq_perf.c).

  zmq_perf.py [--api copy|nocopy|asyncio] <tool> <arguments>

  local_thr  <bind-to>    <message-size> <message-count>    PULL, prints throughput
  remote_thr <connect-to> <message-size> <message-count>    PUSH
  local_lat  <bind-to>    <message-size> <roundtrip-count>  REP echo
  remote_lat <connect-to> <message-size> <roundtrip-count>  REQ, prints latency
  inproc_thr <message-size> <message-count>                  PUSH thread -> PULL
  inproc_lat <message-size> <roundtrip-count>                REQ <-> REP thread

Same arguments, output lines and exit statuses as the C and Swift tools, so
bench/run and bench/smoke treat all three alike. Invoked through a symlink
named after a tool it runs that tool with the default API (copy).

APIs, each written the way a pyzmq user would write it:

  copy     blocking sockets, send(bytes) / recv() -> bytes: pyzmq's default,
           one copy into libzmq on send and one out of it on receive
  nocopy   blocking sockets, send(buffer, copy=False) / recv(copy=False) ->
           Frame. The socket's copy_threshold is set to 0, so every send
           hands the buffer to libzmq without copying (by default pyzmq
           still copies anything under 64 KiB when asked not to), and every
           receive wraps libzmq's message in a Frame without copying it
  asyncio  zmq.asyncio sockets, await send(bytes) / await recv() -> bytes,
           each tool's loop one coroutine under asyncio.run on its thread;
           the inproc tools' second thread runs its own event loop

Timing follows libzmq's tools: a monotonic clock in whole microseconds;
the throughput receiver starts it at the first message; latency is
elapsed / (2 * roundtrips).

With ZMQPERF_HOLD set in the environment, remote_thr waits for end-of-file
on its standard input before it closes its socket (bench/run uses this;
libzmq 4.3 can lose the tail of a PUSH stream whose process ends early).
"""

import asyncio
import os
import sys
import threading
import time

import zmq

TOOLS = ("local_thr", "remote_thr", "local_lat", "remote_lat", "inproc_thr", "inproc_lat")
APIS = ("copy", "nocopy", "asyncio")


def now_us():
    return time.monotonic_ns() // 1000


def die(what, error):
    print(f"error in {what}: {error.strerror}", file=sys.stderr, flush=True)
    os._exit(1)


def wrong_size():
    print("message of incorrect size received", flush=True)
    os._exit(255)


def fail(text):
    print(text, file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------- loops
#
# Four loops make every tool, once per API. The receiving loops take the
# first message, start the clock and then take the rest, which is libzmq's
# "clock from the first message" without a test inside the loop.

class Copying:
    """Blocking sockets, bytes in and out (pyzmq's defaults)."""

    @staticmethod
    def prepare(sock):
        pass

    @staticmethod
    def send_loop(sock, size, count):
        data = bytes(size)
        send = sock.send
        for _ in range(count):
            send(data)

    @staticmethod
    def receive_loop(sock, size, count):
        recv = sock.recv
        if len(recv()) != size:
            wrong_size()
        start = now_us()
        for _ in range(count - 1):
            if len(recv()) != size:
                wrong_size()
        return max(now_us() - start, 1)

    @staticmethod
    def echo_loop(sock, size, roundtrips):
        recv, send = sock.recv, sock.send
        for _ in range(roundtrips):
            data = recv()
            if len(data) != size:
                wrong_size()
            send(data)

    @staticmethod
    def ping_loop(sock, size, roundtrips):
        recv, send = sock.recv, sock.send
        data = bytes(size)
        start = now_us()
        for _ in range(roundtrips):
            send(data)
            if len(recv()) != size:
                wrong_size()
        return max(now_us() - start, 1)


class NoCopy:
    """Blocking sockets, zero-copy sends and Frame receives."""

    @staticmethod
    def prepare(sock):
        # pyzmq copies messages under copy_threshold bytes even with
        # copy=False; 0 makes every send zero-copy.
        sock.copy_threshold = 0

    @staticmethod
    def send_loop(sock, size, count):
        data = bytes(size)
        send = sock.send
        for _ in range(count):
            send(data, copy=False)

    @staticmethod
    def receive_loop(sock, size, count):
        recv = sock.recv
        if len(recv(copy=False)) != size:
            wrong_size()
        start = now_us()
        for _ in range(count - 1):
            if len(recv(copy=False)) != size:
                wrong_size()
        return max(now_us() - start, 1)

    @staticmethod
    def echo_loop(sock, size, roundtrips):
        recv, send = sock.recv, sock.send
        for _ in range(roundtrips):
            frame = recv(copy=False)
            if len(frame) != size:
                wrong_size()
            send(frame, copy=False)

    @staticmethod
    def ping_loop(sock, size, roundtrips):
        recv, send = sock.recv, sock.send
        data = bytes(size)
        start = now_us()
        for _ in range(roundtrips):
            send(data, copy=False)
            if len(recv(copy=False)) != size:
                wrong_size()
        return max(now_us() - start, 1)


class AsyncIO:
    """zmq.asyncio sockets, bytes in and out, awaited from one coroutine."""

    @staticmethod
    def prepare(sock):
        pass

    @staticmethod
    async def send_loop(sock, size, count):
        data = bytes(size)
        send = sock.send
        for _ in range(count):
            await send(data)

    @staticmethod
    async def receive_loop(sock, size, count):
        recv = sock.recv
        if len(await recv()) != size:
            wrong_size()
        start = now_us()
        for _ in range(count - 1):
            if len(await recv()) != size:
                wrong_size()
        return max(now_us() - start, 1)

    @staticmethod
    async def echo_loop(sock, size, roundtrips):
        recv, send = sock.recv, sock.send
        for _ in range(roundtrips):
            data = await recv()
            if len(data) != size:
                wrong_size()
            await send(data)

    @staticmethod
    async def ping_loop(sock, size, roundtrips):
        recv, send = sock.recv, sock.send
        data = bytes(size)
        start = now_us()
        for _ in range(roundtrips):
            await send(data)
            if len(await recv()) != size:
                wrong_size()
        return max(now_us() - start, 1)


LOOPS = {"copy": Copying, "nocopy": NoCopy, "asyncio": AsyncIO}


# ---------------------------------------------------------------- sockets

def new_context(api):
    try:
        return zmq.asyncio.Context() if api == "asyncio" else zmq.Context()
    except zmq.ZMQError as error:
        die("zmq_ctx_new", error)


def open_socket(ctx, api, kind, endpoint, bind):
    try:
        sock = ctx.socket(kind)
    except zmq.ZMQError as error:
        die("zmq_socket", error)
    LOOPS[api].prepare(sock)
    try:
        if bind:
            sock.bind(endpoint)
        else:
            sock.connect(endpoint)
    except zmq.ZMQError as error:
        die("zmq_bind" if bind else "zmq_connect", error)
    return sock


def close_socket(sock):
    try:
        sock.close()  # the default linger: what is queued is delivered
    except zmq.ZMQError as error:
        die("zmq_close", error)


def term_context(ctx):
    try:
        ctx.term()
    except zmq.ZMQError as error:
        die("zmq_ctx_term", error)


def run_loop(api, loop_name, sock, *arguments):
    """Runs one of the API's loops on `sock` and returns what it returns;
    for asyncio, as the one coroutine of a fresh event loop on this thread
    (the socket attaches to the loop that first awaits it)."""
    what = {"send_loop": "send", "receive_loop": "recv", "echo_loop": "echo", "ping_loop": "ping"}[loop_name]
    loop = getattr(LOOPS[api], loop_name)
    try:
        if api == "asyncio":
            return asyncio.run(loop(sock, *arguments))
        return loop(sock, *arguments)
    except zmq.ZMQError as error:
        die(what, error)


def hold_if_asked():
    if os.environ.get("ZMQPERF_HOLD"):
        while sys.stdin.buffer.read(64):
            pass


# ---------------------------------------------------------------- output

def print_throughput(size, count, elapsed):
    throughput = int(count / elapsed * 1000000)
    megabits = throughput * size * 8 / 1000000
    print("mean throughput: %d [msg/s]" % throughput)
    print("mean throughput: %.3f [Mb/s]" % megabits)


def print_latency(roundtrips, elapsed):
    print("average latency: %.3f [us]" % (elapsed / (roundtrips * 2)))


# ---------------------------------------------------------------- the six tools

def local_thr(api, endpoint, size, count):
    ctx = new_context(api)
    sock = open_socket(ctx, api, zmq.PULL, endpoint, True)
    elapsed = run_loop(api, "receive_loop", sock, size, count)
    print("message size: %d [B]" % size)
    print("message count: %d" % count)
    print_throughput(size, count, elapsed)
    close_socket(sock)
    term_context(ctx)


def remote_thr(api, endpoint, size, count):
    ctx = new_context(api)
    sock = open_socket(ctx, api, zmq.PUSH, endpoint, False)
    run_loop(api, "send_loop", sock, size, count)
    hold_if_asked()
    close_socket(sock)
    term_context(ctx)


def local_lat(api, endpoint, size, roundtrips):
    ctx = new_context(api)
    sock = open_socket(ctx, api, zmq.REP, endpoint, True)
    run_loop(api, "echo_loop", sock, size, roundtrips)
    close_socket(sock)
    term_context(ctx)


def remote_lat(api, endpoint, size, roundtrips):
    ctx = new_context(api)
    sock = open_socket(ctx, api, zmq.REQ, endpoint, False)
    elapsed = run_loop(api, "ping_loop", sock, size, roundtrips)
    print("message size: %d [B]" % size)
    print("roundtrip count: %d" % roundtrips)
    print_latency(roundtrips, elapsed)
    close_socket(sock)
    term_context(ctx)


def start_worker(ctx, api, kind, endpoint, loop_name, size, count):
    """The inproc tools' second thread: connects, runs its loop, closes."""
    def main():
        sock = open_socket(ctx, api, kind, endpoint, False)
        run_loop(api, loop_name, sock, size, count)
        close_socket(sock)
    thread = threading.Thread(target=main)
    thread.start()
    return thread


def inproc_thr(api, size, count):
    ctx = new_context(api)
    sock = open_socket(ctx, api, zmq.PULL, "inproc://thr_test", True)
    worker = start_worker(ctx, api, zmq.PUSH, "inproc://thr_test", "send_loop", size, count)
    print("message size: %d [B]" % size)
    print("message count: %d" % count)
    elapsed = run_loop(api, "receive_loop", sock, size, count)
    worker.join()
    close_socket(sock)
    term_context(ctx)
    print_throughput(size, count, elapsed)


def inproc_lat(api, size, roundtrips):
    ctx = new_context(api)
    sock = open_socket(ctx, api, zmq.REQ, "inproc://lat_test", True)
    worker = start_worker(ctx, api, zmq.REP, "inproc://lat_test", "echo_loop", size, roundtrips)
    print("message size: %d [B]" % size)
    print("roundtrip count: %d" % roundtrips)
    elapsed = run_loop(api, "ping_loop", sock, size, roundtrips)
    worker.join()
    close_socket(sock)
    term_context(ctx)
    print_latency(roundtrips, elapsed)


# ---------------------------------------------------------------- command line

def usage():
    fail("usage: zmq_perf.py [--api copy|nocopy|asyncio] <tool> <arguments>\n"
         "  local_thr  <bind-to> <message-size> <message-count>\n"
         "  remote_thr <connect-to> <message-size> <message-count>\n"
         "  local_lat  <bind-to> <message-size> <roundtrip-count>\n"
         "  remote_lat <connect-to> <message-size> <roundtrip-count>\n"
         "  inproc_thr <message-size> <message-count>\n"
         "  inproc_lat <message-size> <roundtrip-count>")


def parse_number(text, what, minimum):
    try:
        value = int(text, 10)
    except ValueError:
        value = None
    if value is None or value < minimum or value > 2**31 - 1:
        fail(f"invalid {what}: {text}")
    return value


def main(argv):
    invoked_as = os.path.basename(argv[0])
    arguments = list(argv[1:])
    api = "copy"
    if invoked_as in TOOLS:
        tool = invoked_as
    else:
        if arguments == ["--list-apis"]:
            print("\n".join(APIS))
            return 0
        while arguments and arguments[0].startswith("--"):
            option = arguments.pop(0)
            if option == "--api" and arguments:
                api = arguments.pop(0)
            elif option.startswith("--api="):
                api = option[len("--api="):]
            else:
                usage()
        if not arguments:
            usage()
        tool = arguments.pop(0)
    if api not in APIS:
        fail(f"unknown --api {api} (the pyzmq twin has: {', '.join(APIS)})")
    if tool not in TOOLS:
        print(f"unknown tool: {tool}", file=sys.stderr)
        usage()

    inproc = tool.startswith("inproc")
    throughput = tool.endswith("thr")
    if len(arguments) != (2 if inproc else 3):
        shape = "" if inproc else ("<bind-to> " if tool.startswith("local") else "<connect-to> ")
        shape += "<message-size> " + ("<message-count>" if throughput else "<roundtrip-count>")
        print(f"usage: {tool} {shape}")
        return 1
    size = parse_number(arguments[-2], "message size", 0)
    count = parse_number(arguments[-1], "message count" if throughput else "roundtrip count", 1)
    if api == "asyncio":
        import zmq.asyncio  # noqa: F401  (only this API needs it)

    if inproc:
        (inproc_thr if throughput else inproc_lat)(api, size, count)
    else:
        tools = {"local_thr": local_thr, "remote_thr": remote_thr,
                 "local_lat": local_lat, "remote_lat": remote_lat}
        tools[tool](api, arguments[0], size, count)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
