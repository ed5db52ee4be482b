/* A header written for the tests: a draft declaration that uses a POSIX
   type the header does not include, as zmq.h's zmq_ppoll does. */
#ifndef SIGSET_FIXTURE_H
#define SIGSET_FIXTURE_H
#include <stddef.h>
#define ZMQ_VERSION_MAJOR 9
#define ZMQ_VERSION_MINOR 8
#define ZMQ_VERSION_PATCH 7
int zmq_poll (void *items, int count, long timeout);
#ifdef ZMQ_BUILD_DRAFT_API
#define ZMQ_HAVE_PPOLL 1
int zmq_ppoll (void *items, int count, long timeout, const sigset_t *mask);
#endif
#endif
