internal import CZeroMQ

/// An error reported by libzmq: its `errno` code and libzmq's text for it.
///
/// Compare with the static members (`.eagain`, `.eterm`, `.efsm`, …,
/// generated from zmq.h and errno.h):
///
/// ```swift
/// do { try socket.bind("bogus://x") }
/// catch let error as ZMQError where error == .eprotonosupport { … }
/// ```
public struct ZMQError: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The `errno` value.
  public let code: Int32

  public var rawValue: Int32 { code }

  public init(rawValue: Int32) { code = rawValue }

  public init(code: Int32) { self.code = code }

  /// libzmq's description of the code (`zmq_strerror`).
  public var description: String {
    String(cString: zmq_strerror(code))
  }

  /// The C name of the code (`EAGAIN`, `ETERM`), when it is one the
  /// library knows.
  public var name: String? {
    Self.allNamed.first { $0.value == self }?.name
  }

  /// The error libzmq reported for the call that just failed on this thread.
  static var current: ZMQError { ZMQError(code: zmq_errno()) }
}
