/* A header written for the tests: a type nothing declares. */
#define ZMQ_VERSION_MAJOR 9
int zmq_broken (undeclared_type_t value);
