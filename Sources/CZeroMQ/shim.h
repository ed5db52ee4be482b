// libzmq's C API at the level the bindings were generated for:
// api-level.h (written by zmq-bindgen) makes the draft declarations
// visible only for a binding generated in draft mode.
#include "api-level.h"
#include <zmq.h>

#include <stddef.h>

// The layout of one event of zmq_poller_wait_all, declared at every API
// level: zmq_poller_event_t itself is draft API, but the runtime sizes and
// reads its event buffers in code that compiles in stable mode too. Where
// the header declares the real type, the checks below hold the two equal.
typedef struct swiftzmq_poller_event {
    void *socket;
    int fd;
    void *user_data;
    short events;
} swiftzmq_poller_event;

#if defined ZMQ_BUILD_DRAFT_API && defined ZMQ_HAVE_POLLER
_Static_assert (sizeof (swiftzmq_poller_event) == sizeof (zmq_poller_event_t),
                "swiftzmq_poller_event differs in size from zmq_poller_event_t");
_Static_assert (offsetof (swiftzmq_poller_event, user_data)
                  == offsetof (zmq_poller_event_t, user_data),
                "swiftzmq_poller_event.user_data is not where zmq_poller_event_t has it");
_Static_assert (offsetof (swiftzmq_poller_event, events)
                  == offsetof (zmq_poller_event_t, events),
                "swiftzmq_poller_event.events is not where zmq_poller_event_t has it");
#endif

// Whether the current Swift task is cancelled, asked of the concurrency
// runtime directly. The async fast path asks it on every call, and the
// standard library's `Task.checkCancellation()` goes through the generic
// `withUnsafeCurrentTask`, unspecialised across modules, and retains the
// task: about 200 instructions, more than the non-blocking libzmq call it
// guards. These two runtime functions are where that path ends; both are
// exported, ABI-stable entry points of the runtime (Swift calling
// convention; the task is neither retained nor released).
#if defined __APPLE__
#define SWIFTZMQ_RUNTIME_SYMBOL(name) __asm__("_" name)
#else
#define SWIFTZMQ_RUNTIME_SYMBOL(name) __asm__(name)
#endif
extern void *swiftzmq_runtime_current_task (void)
  SWIFTZMQ_RUNTIME_SYMBOL ("swift_task_getCurrent") __attribute__ ((swiftcall));
extern _Bool swiftzmq_runtime_task_is_cancelled (void *task)
  SWIFTZMQ_RUNTIME_SYMBOL ("swift_task_isCancelled") __attribute__ ((swiftcall));

static inline _Bool swiftzmq_current_task_is_cancelled (void)
{
    void *task = swiftzmq_runtime_current_task ();
    return task != NULL && swiftzmq_runtime_task_is_cancelled (task);
}

// Names the calling thread for debuggers and `ps -L` on Linux, where the
// Swift overlay does not import glibc's `pthread_setname_np` (a GNU
// extension) and `prctl` is variadic. The kernel keeps the first 15 bytes.
#if defined __linux__
#include <sys/prctl.h>

static inline void swiftzmq_name_current_thread (const char *name)
{
    (void) prctl (PR_SET_NAME, (unsigned long) name, 0UL, 0UL, 0UL);
}
#endif
