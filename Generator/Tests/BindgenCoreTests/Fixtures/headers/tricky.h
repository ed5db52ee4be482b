/* A fixture of macro shapes the evaluator must handle or report.
   Written for swift-zeromq's tests; not a libzmq header. */
#ifndef TRICKY_H
#define TRICKY_H
#include <errno.h>
#include <stddef.h>

#define ZMQ_VERSION_MAJOR 4
#define ZMQ_VERSION_MINOR 9
#define ZMQ_VERSION_PATCH 1
#define ZMQ_MAKE_VERSION(a, b, c) ((a) * 10000 + (b) * 100 + (c))
#define ZMQ_VERSION ZMQ_MAKE_VERSION (ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH)

#define ZMQ_HAUSNUMERO 156384712
#define EFSM (ZMQ_HAUSNUMERO + 51)

#define ZMQ_DECIMAL 42
#define ZMQ_HEX 0x1F
#define ZMQ_OCTAL 017
#define ZMQ_NEGATIVE -1
#define ZMQ_NEGATIVE_PAREN (-(2 + 3))
#define ZMQ_SHIFT (1 << 3)
#define ZMQ_SHIFT_RIGHT (256 >> 2)
#define ZMQ_OR ZMQ_SHIFT | ZMQ_HEX
#define ZMQ_PRECEDENCE 1 + 2 * 3 - 4 / 2
#define ZMQ_ALIAS ZMQ_DECIMAL
#define ZMQ_ALIAS_OF_ALIAS ZMQ_ALIAS
#define ZMQ_SUFFIXED 10UL
#define ZMQ_WIDE 0x100000000
#define ZMQ_CHAR 'A'
#define ZMQ_REDEFINED 1
#undef ZMQ_REDEFINED
#define ZMQ_REDEFINED 2
#define ZMQ_UNKNOWN_REF (ZMQ_NOT_DEFINED_ANYWHERE + 1)
#define ZMQ_CAST ((int) 5)
#define ZMQ_DIVIDE_BY_ZERO (1 / 0)
#define ZMQ_STRING "Peer-Address"
#define ZMQ_STRINGS "Peer" "-" "Address"
#define ZMQ_FLAG
#define ZMQ_SQUARE(x) ((x) * (x))
#define ZMQ_SQUARED ZMQ_SQUARE (7)
#define NOT_PREFIXED 5
#define ZMQ_TEMPORARY 1
#define ZMQ_KEPT 3
#if 0
#undef ZMQ_KEPT
#endif

typedef struct thing_t
{
    int count;
    short events;
} thing_t;
typedef void (thing_fn) (void *hint_);

int zmq_fixture_call (void *s_, const char *name_, size_t len_);
void *zmq_fixture_new (void);

#ifdef ZMQ_BUILD_DRAFT_API
#define ZMQ_DRAFT_ONLY 99
#define ZMQ_DRAFT_ALIAS ZMQ_DRAFT_ONLY | ZMQ_SHIFT
int zmq_fixture_draft (int x_);
typedef struct draft_t
{
    void *socket;
} draft_t;
#endif

#undef ZMQ_TEMPORARY
#endif
