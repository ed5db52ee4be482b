/*
 * zmq-perf-c: the C twin of the Swift `zmq-perf` tool.
 *
 * The six tools of libzmq's perf/ directory, with the same arguments and
 * the same output lines, written for this project so that C and Swift run
 * under one harness (bench/run):
 *
 *   local_thr  <bind-to>    <message-size> <message-count>   PULL, prints throughput
 *   remote_thr <connect-to> <message-size> <message-count>   PUSH
 *   local_lat  <bind-to>    <message-size> <roundtrip-count> REP echo
 *   remote_lat <connect-to> <message-size> <roundtrip-count> REQ, prints latency
 *   inproc_thr <message-size> <message-count>                 PUSH thread -> PULL
 *   inproc_lat <message-size> <roundtrip-count>               REQ <-> REP thread
 *
 * Usage: zmq-perf-c [--api message|buffer] <tool> <arguments>
 * or, through a symlink named after the tool: local_thr <arguments>.
 *
 * --api message (the default) does what libzmq's own tools do: zmq_msg_t
 * values, one fresh message per send on the throughput sender, one reused
 * message everywhere else. --api buffer uses zmq_send / zmq_recv from and
 * into memory the program owns (one copy each way), the twin of the Swift
 * binding's buffer API.
 *
 * Timing: CLOCK_MONOTONIC in microseconds, like zmq_stopwatch_start/stop.
 * The throughput receiver starts its clock at the first message, so the
 * figure is count / (time of the last count - 1 messages), as in libzmq.
 * Latency is elapsed / (2 * roundtrips): one way.
 *
 * One addition: with ZMQPERF_HOLD set in the environment, remote_thr waits
 * for end-of-file on its standard input before closing (see hold_if_asked).
 */
#define _GNU_SOURCE
#include <zmq.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum api { API_MESSAGE, API_BUFFER };
static enum api api = API_MESSAGE;

static uint64_t now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static void die (const char *what)
{
    fprintf (stderr, "error in %s: %s\n", what, zmq_strerror (zmq_errno ()));
    exit (1);
}

static void wrong_size (void)
{
    printf ("message of incorrect size received\n");
    fflush (stdout);
    exit (255);
}

static long parse_count (const char *text, const char *what, long minimum)
{
    char *end = NULL;
    errno = 0;
    long value = strtol (text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < minimum || value > INT32_MAX) {
        fprintf (stderr, "invalid %s: %s\n", what, text);
        exit (1);
    }
    return value;
}

/* A zeroed buffer of at least one byte (malloc(0) may return NULL). */
static void *zeroed (size_t size)
{
    void *buffer = calloc (size ? size : 1, 1);
    if (!buffer) {
        fprintf (stderr, "out of memory\n");
        exit (1);
    }
    return buffer;
}

/* ---- The four loops every tool is made of ---------------------------- */

/* Throughput sender: `count` messages of `size` bytes. */
static void send_loop (void *s, size_t size, long count)
{
    if (api == API_MESSAGE) {
        zmq_msg_t msg;
        for (long i = 0; i != count; i++) {
            if (zmq_msg_init_size (&msg, size) != 0)
                die ("zmq_msg_init_size");
            if (zmq_msg_send (&msg, s, 0) < 0)
                die ("zmq_msg_send");
            zmq_msg_close (&msg);
        }
    } else {
        char *buffer = zeroed (size);
        for (long i = 0; i != count; i++)
            if (zmq_send (s, buffer, size, 0) < 0)
                die ("zmq_send");
        free (buffer);
    }
}

/* Throughput receiver: the first message, then the clock, then the rest.
   Returns the elapsed microseconds (at least 1). */
static uint64_t receive_loop (void *s, size_t size, long count)
{
    uint64_t start = 0, elapsed;
    if (api == API_MESSAGE) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        for (long i = 0; i != count; i++) {
            if (zmq_msg_recv (&msg, s, 0) < 0)
                die ("zmq_msg_recv");
            if (zmq_msg_size (&msg) != size)
                wrong_size ();
            if (i == 0)
                start = now_us ();
        }
        elapsed = now_us () - start;
        zmq_msg_close (&msg);
    } else {
        char *buffer = zeroed (size);
        for (long i = 0; i != count; i++) {
            int n = zmq_recv (s, buffer, size, 0);
            if (n < 0)
                die ("zmq_recv");
            if ((size_t) n != size)
                wrong_size ();
            if (i == 0)
                start = now_us ();
        }
        elapsed = now_us () - start;
        free (buffer);
    }
    return elapsed ? elapsed : 1;
}

/* Latency echo (REP): receive, send it back. */
static void echo_loop (void *s, size_t size, long roundtrips)
{
    if (api == API_MESSAGE) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        for (long i = 0; i != roundtrips; i++) {
            if (zmq_msg_recv (&msg, s, 0) < 0)
                die ("zmq_msg_recv");
            if (zmq_msg_size (&msg) != size)
                wrong_size ();
            if (zmq_msg_send (&msg, s, 0) < 0)
                die ("zmq_msg_send");
        }
        zmq_msg_close (&msg);
    } else {
        char *buffer = zeroed (size);
        for (long i = 0; i != roundtrips; i++) {
            int n = zmq_recv (s, buffer, size, 0);
            if (n < 0)
                die ("zmq_recv");
            if ((size_t) n != size)
                wrong_size ();
            if (zmq_send (s, buffer, size, 0) < 0)
                die ("zmq_send");
        }
        free (buffer);
    }
}

/* Latency pinger (REQ): send, wait for the echo; timed. Returns elapsed us. */
static uint64_t ping_loop (void *s, size_t size, long roundtrips)
{
    uint64_t start, elapsed;
    if (api == API_MESSAGE) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, size) != 0)
            die ("zmq_msg_init_size");
        memset (zmq_msg_data (&msg), 0, size);
        start = now_us ();
        for (long i = 0; i != roundtrips; i++) {
            if (zmq_msg_send (&msg, s, 0) < 0)
                die ("zmq_msg_send");
            if (zmq_msg_recv (&msg, s, 0) < 0)
                die ("zmq_msg_recv");
            if (zmq_msg_size (&msg) != size)
                wrong_size ();
        }
        elapsed = now_us () - start;
        zmq_msg_close (&msg);
    } else {
        char *buffer = zeroed (size);
        start = now_us ();
        for (long i = 0; i != roundtrips; i++) {
            if (zmq_send (s, buffer, size, 0) < 0)
                die ("zmq_send");
            int n = zmq_recv (s, buffer, size, 0);
            if (n < 0)
                die ("zmq_recv");
            if ((size_t) n != size)
                wrong_size ();
        }
        elapsed = now_us () - start;
        free (buffer);
    }
    return elapsed ? elapsed : 1;
}

/* ---- Output ---------------------------------------------------------- */

static void print_throughput (long size, long count, uint64_t elapsed)
{
    unsigned long throughput = (unsigned long) ((double) count / (double) elapsed * 1000000);
    double megabits = (double) (throughput * size * 8) / 1000000;
    printf ("mean throughput: %d [msg/s]\n", (int) throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
}

static void print_latency (long roundtrips, uint64_t elapsed)
{
    double latency = (double) elapsed / (roundtrips * 2);
    printf ("average latency: %.3f [us]\n", latency);
}

/* ---- Sockets --------------------------------------------------------- */

static void *open_socket (void *ctx, int type, const char *endpoint, int bind)
{
    void *s = zmq_socket (ctx, type);
    if (!s)
        die ("zmq_socket");
    if (bind ? zmq_bind (s, endpoint) : zmq_connect (s, endpoint))
        die (bind ? "zmq_bind" : "zmq_connect");
    return s;
}

static void close_socket (void *s)
{
    if (zmq_close (s) != 0)
        die ("zmq_close");
}

static void *new_context (void)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        die ("zmq_ctx_new");
    return ctx;
}

static void term_context (void *ctx)
{
    if (zmq_ctx_term (ctx) != 0)
        die ("zmq_ctx_term");
}

/* ---- The six tools --------------------------------------------------- */

static int local_thr (const char *bind_to, long size, long count)
{
    void *ctx = new_context ();
    void *s = open_socket (ctx, ZMQ_PULL, bind_to, 1);
    uint64_t elapsed = receive_loop (s, (size_t) size, count);
    printf ("message size: %d [B]\n", (int) size);
    printf ("message count: %d\n", (int) count);
    print_throughput (size, count, elapsed);
    close_socket (s);
    term_context (ctx);
    return 0;
}

/* With ZMQPERF_HOLD set, remote_thr keeps its connection open after the
   last send until its standard input reaches end-of-file (bench/run closes
   it once local_thr has printed). libzmq 4.3 can lose the tail of a PUSH
   stream whose process ends while the peer is still reading, over ipc
   above all: local_thr then never finishes. Holding
   does not change the measurement, which is the receiver's. */
static void hold_if_asked (void)
{
    if (!getenv ("ZMQPERF_HOLD"))
        return;
    char buffer[64];
    while (read (0, buffer, sizeof buffer) > 0) {
    }
}

static int remote_thr (const char *connect_to, long size, long count)
{
    void *ctx = new_context ();
    void *s = open_socket (ctx, ZMQ_PUSH, connect_to, 0);
    send_loop (s, (size_t) size, count);
    hold_if_asked ();
    close_socket (s); /* default linger: everything queued is delivered */
    term_context (ctx);
    return 0;
}

static int local_lat (const char *bind_to, long size, long roundtrips)
{
    void *ctx = new_context ();
    void *s = open_socket (ctx, ZMQ_REP, bind_to, 1);
    echo_loop (s, (size_t) size, roundtrips);
    close_socket (s);
    term_context (ctx);
    return 0;
}

static int remote_lat (const char *connect_to, long size, long roundtrips)
{
    void *ctx = new_context ();
    void *s = open_socket (ctx, ZMQ_REQ, connect_to, 0);
    uint64_t elapsed = ping_loop (s, (size_t) size, roundtrips);
    printf ("message size: %d [B]\n", (int) size);
    printf ("roundtrip count: %d\n", (int) roundtrips);
    print_latency (roundtrips, elapsed);
    close_socket (s);
    term_context (ctx);
    return 0;
}

struct worker {
    void *ctx;
    const char *endpoint;
    long size, count;
    int type;
};

static void *worker_main (void *arg)
{
    struct worker *w = arg;
    void *s = open_socket (w->ctx, w->type, w->endpoint, 0);
    if (w->type == ZMQ_PUSH)
        send_loop (s, (size_t) w->size, w->count);
    else
        echo_loop (s, (size_t) w->size, w->count);
    close_socket (s);
    return NULL;
}

static int inproc_thr (long size, long count)
{
    void *ctx = new_context ();
    void *s = open_socket (ctx, ZMQ_PULL, "inproc://thr_test", 1);
    struct worker w = {ctx, "inproc://thr_test", size, count, ZMQ_PUSH};
    pthread_t thread;
    if (pthread_create (&thread, NULL, worker_main, &w) != 0) {
        fprintf (stderr, "pthread_create failed\n");
        return 1;
    }
    printf ("message size: %d [B]\n", (int) size);
    printf ("message count: %d\n", (int) count);
    uint64_t elapsed = receive_loop (s, (size_t) size, count);
    pthread_join (thread, NULL);
    close_socket (s);
    term_context (ctx);
    print_throughput (size, count, elapsed);
    return 0;
}

static int inproc_lat (long size, long roundtrips)
{
    void *ctx = new_context ();
    void *s = open_socket (ctx, ZMQ_REQ, "inproc://lat_test", 1);
    struct worker w = {ctx, "inproc://lat_test", size, roundtrips, ZMQ_REP};
    pthread_t thread;
    if (pthread_create (&thread, NULL, worker_main, &w) != 0) {
        fprintf (stderr, "pthread_create failed\n");
        return 1;
    }
    printf ("message size: %d [B]\n", (int) size);
    printf ("roundtrip count: %d\n", (int) roundtrips);
    uint64_t elapsed = ping_loop (s, (size_t) size, roundtrips);
    pthread_join (thread, NULL);
    close_socket (s);
    term_context (ctx);
    print_latency (roundtrips, elapsed);
    return 0;
}

/* ---- Command line ---------------------------------------------------- */

static int usage (void)
{
    fprintf (stderr,
             "usage: zmq-perf-c [--api message|buffer] <tool> <arguments>\n"
             "  local_thr  <bind-to> <message-size> <message-count>\n"
             "  remote_thr <connect-to> <message-size> <message-count>\n"
             "  local_lat  <bind-to> <message-size> <roundtrip-count>\n"
             "  remote_lat <connect-to> <message-size> <roundtrip-count>\n"
             "  inproc_thr <message-size> <message-count>\n"
             "  inproc_lat <message-size> <roundtrip-count>\n");
    return 1;
}

static int set_api (const char *name)
{
    if (strcmp (name, "message") == 0)
        api = API_MESSAGE;
    else if (strcmp (name, "buffer") == 0)
        api = API_BUFFER;
    else {
        fprintf (stderr, "unknown --api %s (the C twin has: message, buffer)\n", name);
        return 0;
    }
    return 1;
}

int main (int argc, char *argv[])
{
    const char *self = strrchr (argv[0], '/');
    self = self ? self + 1 : argv[0];
    int i = 1;
    const char *tool = self;
    if (strncmp (self, "zmq-perf", 8) == 0) {
        /* Options first, then the tool's name. */
        for (; i < argc && strncmp (argv[i], "--", 2) == 0; i++) {
            if (strcmp (argv[i], "--api") == 0 && i + 1 < argc) {
                if (!set_api (argv[++i]))
                    return 1;
            } else if (strncmp (argv[i], "--api=", 6) == 0) {
                if (!set_api (argv[i] + 6))
                    return 1;
            } else
                return usage ();
        }
        if (i >= argc)
            return usage ();
        tool = argv[i++];
    }
    int rest = argc - i;
    char **args = argv + i;

    if (strcmp (tool, "local_thr") == 0 || strcmp (tool, "remote_thr") == 0
        || strcmp (tool, "local_lat") == 0 || strcmp (tool, "remote_lat") == 0) {
        int thr = strstr (tool, "thr") != NULL;
        if (rest != 3) {
            printf ("usage: %s <%s> <message-size> <%s>\n", tool,
                    strncmp (tool, "local", 5) == 0 ? "bind-to" : "connect-to",
                    thr ? "message-count" : "roundtrip-count");
            return 1;
        }
        long size = parse_count (args[1], "message size", 0);
        long count = parse_count (args[2], thr ? "message count" : "roundtrip count", 1);
        if (strcmp (tool, "local_thr") == 0)
            return local_thr (args[0], size, count);
        if (strcmp (tool, "remote_thr") == 0)
            return remote_thr (args[0], size, count);
        if (strcmp (tool, "local_lat") == 0)
            return local_lat (args[0], size, count);
        return remote_lat (args[0], size, count);
    }
    if (strcmp (tool, "inproc_thr") == 0 || strcmp (tool, "inproc_lat") == 0) {
        int thr = strcmp (tool, "inproc_thr") == 0;
        if (rest != 2) {
            printf ("usage: %s <message-size> <%s>\n", tool,
                    thr ? "message-count" : "roundtrip-count");
            return 1;
        }
        long size = parse_count (args[0], "message size", 0);
        long count = parse_count (args[1], thr ? "message count" : "roundtrip count", 1);
        return thr ? inproc_thr (size, count) : inproc_lat (size, count);
    }
    fprintf (stderr, "unknown tool: %s\n", tool);
    return usage ();
}
