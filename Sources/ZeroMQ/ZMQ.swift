internal import CZeroMQ

/// The library-level namespace, as the seed's `zmq` module: `ZMQ.version()`,
/// `ZMQ.has(_:)` and a raw constant for every integer `ZMQ_*` macro of
/// libzmq's header (`ZMQ.PUSH`, `ZMQ.LINGER`, `ZMQ.ETERM`, …; generated).
public enum ZMQ {}
