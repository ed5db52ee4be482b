// libzmq's C API at the level the bindings were generated for:
// api-level.h (written by zmq-bindgen) makes the draft declarations
// visible only for a binding generated in draft mode.
#include "api-level.h"
#include <zmq.h>
