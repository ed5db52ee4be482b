/* A small zmq.h-shaped fixture: the stable API of a "current" libzmq and
   a draft block. Written for swift-zeromq's generator tests. */
#ifndef FIXTURE_ZMQ_H
#define FIXTURE_ZMQ_H
#include <errno.h>
#include <stddef.h>

#define ZMQ_VERSION_MAJOR 4
#define ZMQ_VERSION_MINOR 3
#define ZMQ_VERSION_PATCH 9
#define ZMQ_MAKE_VERSION(major, minor, patch) ((major) *10000 + (minor) *100 + (patch))
#define ZMQ_VERSION ZMQ_MAKE_VERSION (ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH)

#define ZMQ_HAUSNUMERO 156384712
#define EFSM (ZMQ_HAUSNUMERO + 51)
#define ENOCOMPATPROTO (ZMQ_HAUSNUMERO + 52)
#define ETERM (ZMQ_HAUSNUMERO + 53)
#define EMTHREAD (ZMQ_HAUSNUMERO + 54)

int zmq_errno (void);
const char *zmq_strerror (int errnum_);
void zmq_version (int *major_, int *minor_, int *patch_);

#define ZMQ_IO_THREADS 1
#define ZMQ_MAX_SOCKETS 2

void *zmq_ctx_new (void);
int zmq_ctx_term (void *context_);

#define ZMQ_PAIR 0
#define ZMQ_PUB 1
#define ZMQ_SUB 2
#define ZMQ_REQ 3
#define ZMQ_REP 4
#define ZMQ_DEALER 5
#define ZMQ_ROUTER 6
#define ZMQ_PULL 7
#define ZMQ_PUSH 8
#define ZMQ_XPUB 9
#define ZMQ_XSUB 10
#define ZMQ_STREAM 11
#define ZMQ_XREQ ZMQ_DEALER

#define ZMQ_ROUTING_ID 5
#define ZMQ_SUBSCRIBE 6
#define ZMQ_LINGER 17
#define ZMQ_LAST_ENDPOINT 32
#define ZMQ_RCVMORE 13
#define ZMQ_CURVE_SERVERKEY 50
#define ZMQ_BLOCKY 70
#define ZMQ_HEARTBEAT_IVL 75
#define ZMQ_IDENTITY ZMQ_ROUTING_ID

#define ZMQ_DONTWAIT 1
#define ZMQ_SNDMORE 2

#define ZMQ_NULL 0
#define ZMQ_PLAIN 1
#define ZMQ_CURVE 2
#define ZMQ_GSSAPI 3

#define ZMQ_EVENT_CONNECTED 0x0001
#define ZMQ_EVENT_CLOSED 0x0080
#define ZMQ_EVENT_ALL 0xFFFF
#define ZMQ_EVENT_HANDSHAKE_SUCCEEDED 0x1000

void *zmq_socket (void *, int type_);
int zmq_close (void *s_);
int zmq_send (void *s_, const void *buf_, size_t len_, int flags_);
int zmq_bind (void *s_, const char *addr_);
int zmq_connect (void *s_, const char *addr_);
int zmq_unbind (void *s_, const char *addr_);
int zmq_disconnect (void *s_, const char *addr_);

#define ZMQ_POLLIN 1
#define ZMQ_POLLOUT 2
#define ZMQ_POLLERR 4
#define ZMQ_POLLPRI 8

typedef struct zmq_pollitem_t
{
    void *socket;
    int fd;
    short events;
    short revents;
} zmq_pollitem_t;

#ifdef ZMQ_BUILD_DRAFT_API
#define ZMQ_SERVER 12
#define ZMQ_CLIENT 13
#define ZMQ_ROUTER_NOTIFY 97
#define ZMQ_EVENT_PIPES_STATS 0x10000
#define ZMQ_EVENT_ALL_V2 ZMQ_EVENT_ALL | ZMQ_EVENT_PIPES_STATS
#define ZMQ_MSG_PROPERTY_PEER_ADDRESS "Peer-Address"
int zmq_ctx_set_ext (void *context_, int option_, const void *optval_, size_t optvallen_);
#endif

#endif
