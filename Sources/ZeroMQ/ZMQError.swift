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
///
/// An error for something this libzmq lacks — a function or constant its
/// `zmq.h` does not declare (an older release, or a draft API the binding
/// was not generated for) — has code ``enotsup`` and names what is missing
/// in ``unavailable`` and in its description. Equality and hashing look at
/// the code only, so such an error still equals ``enotsup``.
public struct ZMQError: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The `errno` value.
  public let code: Int32

  public var rawValue: Int32 { code }

  /// The C function or macro this libzmq lacks, for the errors of calls
  /// that need it (code ``enotsup``); `nil` for every error libzmq reports.
  public let unavailable: String?

  public init(rawValue: Int32) {
    code = rawValue
    unavailable = nil
  }

  public init(code: Int32) {
    self.code = code
    unavailable = nil
  }

  /// The error of a call that needs `name`, a C function or macro this
  /// binding's `zmq.h` does not declare: ``enotsup`` naming it.
  public init(unavailable name: String) {
    code = ZMQError.enotsup.code
    unavailable = name
  }

  /// libzmq's description of the code (`zmq_strerror`), or, for something
  /// this libzmq lacks, what is missing.
  public var description: String {
    let text = String(cString: zmq_strerror(code))
    guard let unavailable else { return text }
    return "\(unavailable) is not available: this binding's zmq.h does not declare it (\(text))"
  }

  /// The error of a get or set of a placeholder option number (a typed key
  /// spec/availability.yaml declares for a macro this header lacks):
  /// ``enotsup`` naming the macro; ``einval`` for any other number that high.
  @inline(never)
  static func placeholderOption(_ option: Int32) -> ZMQError {
    ZMQ.unavailableOptions[option].map { ZMQError(unavailable: $0) } ?? .einval
  }

  public static func == (a: ZMQError, b: ZMQError) -> Bool { a.code == b.code }

  public func hash(into hasher: inout Hasher) { hasher.combine(code) }

  /// The C name of the code (`EAGAIN`, `ETERM`), when it is one the
  /// library knows.
  public var name: String? {
    Self.allNamed.first { $0.value == self }?.name
  }

  /// The error libzmq reported for the call that just failed on this thread.
  static var current: ZMQError { ZMQError(code: zmq_errno()) }
}
