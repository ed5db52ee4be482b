internal import CZeroMQ

/// The library-level namespace, as the `zmq` object of the JavaScript `zmq`
/// module the API was modelled on: `ZMQ.version()`,
/// `ZMQ.has(_:)` and a raw constant for every integer `ZMQ_*` macro of
/// libzmq's header and every error code (`ZMQ.PUSH`, `ZMQ.LINGER`,
/// `ZMQ.ETERM`, …; generated into `Generated/Constants.swift`).
public enum ZMQ {
  /// The version of the libzmq the program runs with, as
  /// `[major, minor, patch]` (`zmq_version`).
  public static func version() -> [Int] {
    var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
    zmq_version(&major, &minor, &patch)
    return [Int(major), Int(minor), Int(patch)]
  }

  /// Whether the running libzmq has a capability (`zmq_has`): a transport
  /// (`"ipc"`, `"pgm"`, `"tipc"`, `"norm"`, `"vmci"`), a security mechanism
  /// (`"curve"`, `"gssapi"`) or `"draft"`. Unknown names answer `false`.
  public static func has(_ capability: String) -> Bool {
    // A NUL would cut the name short in C: "ipc\0x" must not answer for "ipc".
    guard !capability.utf8.contains(0) else { return false }
    return zmq_has(capability) != 0
  }

  /// Whether the running libzmq has `capability` (`zmq_has`).
  public static func has(_ capability: Capability) -> Bool {
    has(capability.rawValue)
  }
}
