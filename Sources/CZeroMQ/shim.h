// libzmq's stable C API. Draft declarations stay hidden unless the
// generator was run in draft mode against a draft-enabled libzmq.
#include <zmq.h>
