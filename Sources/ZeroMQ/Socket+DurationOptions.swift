internal import CZeroMQ

/// A socket option that libzmq takes in milliseconds, for setting and
/// reading it as a `Duration`:
///
/// ```swift
/// try socket.set(.rcvtimeo, .seconds(2))
/// try socket.set(.linger, nil)                   // wait for ever
/// let timeout = try socket.get(.rcvtimeo, as: Duration.self)   // Duration?
/// ```
///
/// The typed `Int32` forms (`try socket.set(.rcvtimeo, 2000)`) stay as they
/// are. Each option has one raw value that means "no limit"; a `Duration`
/// of `nil` stands for it, and reading it back gives `nil`.
public struct SocketDurationOption: Hashable, Sendable, CustomStringConvertible {
  /// The `ZMQ_*` option number.
  public let rawValue: Int32
  /// The millisecond value libzmq reads as "no limit".
  let unlimited: Int32
  /// The option's C name, for descriptions.
  let name: String

  init(_ rawValue: Int32, unlimited: Int32, name: String) {
    self.rawValue = rawValue
    self.unlimited = unlimited
    self.name = name
  }

  /// `ZMQ_RCVTIMEO`: how long a blocking receive waits before throwing
  /// ``ZMQError/eagain``; `nil` waits for ever (libzmq's `-1`), `.zero`
  /// does not wait.
  public static let rcvtimeo = SocketDurationOption(ZMQ_RCVTIMEO, unlimited: -1, name: "ZMQ_RCVTIMEO")

  /// `ZMQ_SNDTIMEO`: how long a blocking send waits before throwing
  /// ``ZMQError/eagain``; `nil` waits for ever (libzmq's `-1`), `.zero`
  /// does not wait.
  public static let sndtimeo = SocketDurationOption(ZMQ_SNDTIMEO, unlimited: -1, name: "ZMQ_SNDTIMEO")

  /// `ZMQ_LINGER`: how long closing the socket keeps trying to deliver
  /// queued messages; `nil` waits for ever (libzmq's `-1`), `.zero`
  /// discards them.
  public static let linger = SocketDurationOption(ZMQ_LINGER, unlimited: -1, name: "ZMQ_LINGER")

  /// `ZMQ_RECONNECT_IVL`: the wait before reconnecting a lost connection;
  /// `nil` means never reconnect (libzmq's `-1`).
  public static let reconnectIvl = SocketDurationOption(ZMQ_RECONNECT_IVL, unlimited: -1, name: "ZMQ_RECONNECT_IVL")

  /// `ZMQ_RECONNECT_IVL_MAX`: the longest reconnect wait when backing off
  /// exponentially; `nil` means no back-off (libzmq's `0`: always wait
  /// `reconnectIvl`).
  public static let reconnectIvlMax = SocketDurationOption(
    ZMQ_RECONNECT_IVL_MAX, unlimited: 0, name: "ZMQ_RECONNECT_IVL_MAX")

  /// `ZMQ_HANDSHAKE_IVL`: how long a new connection may take to complete
  /// the ZMTP handshake; `nil` means no limit (libzmq's `0`).
  public static let handshakeIvl = SocketDurationOption(ZMQ_HANDSHAKE_IVL, unlimited: 0, name: "ZMQ_HANDSHAKE_IVL")

  /// The option's C name, e.g. `ZMQ_RCVTIMEO`.
  public var description: String { name }
}

extension Socket {
  /// Sets a millisecond option from a `Duration`, e.g.
  /// `try socket.set(.rcvtimeo, .milliseconds(500))` (`zmq_setsockopt`).
  ///
  /// - Parameters:
  ///   - option: one of the ``SocketDurationOption`` members.
  ///   - value: the duration, rounded up to whole milliseconds (so a
  ///     positive duration never becomes `0`); `nil` for the option's "no
  ///     limit" value.
  /// - Throws: ``ZMQError/einval`` for a negative duration or one longer
  ///   than `Int32.max` milliseconds, and the errors of setting an option.
  public func set(_ option: SocketDurationOption, _ value: Duration?) throws {
    _ = try livePointer()  // a closed socket says so before a bad value does
    let milliseconds = try value.map { (value) throws(ZMQError) in try value.zmqMilliseconds() } ?? option.unlimited
    try setOption(option.rawValue, integer: milliseconds)
  }

  /// Reads a millisecond option as a `Duration` (`zmq_getsockopt`).
  ///
  /// - Returns: the option's value, or `nil` when it holds the option's
  ///   "no limit" value (for example `-1` for `.rcvtimeo`).
  public func get(_ option: SocketDurationOption, as _: Duration.Type) throws -> Duration? {
    let milliseconds = try getOption(option.rawValue, as: Int32.self)
    if milliseconds == option.unlimited || milliseconds < 0 { return nil }
    return .milliseconds(milliseconds)
  }
}
