/// Access markers for option keys. They make reading a write-only option
/// or writing a read-only one a compile-time error.
public protocol OptionAccess {}
/// Access of options that can be read (`get`).
public protocol ReadableOptionAccess: OptionAccess {}
/// Access of options that can be written (`set`).
public protocol WritableOptionAccess: OptionAccess {}

/// The option can only be read (`ZMQ_LAST_ENDPOINT`, `ZMQ_RCVMORE`, …).
public enum ReadOnly: ReadableOptionAccess {}
/// The option can only be written (`ZMQ_SUBSCRIBE`, …).
public enum WriteOnly: WritableOptionAccess {}
/// The option can be read and written (`ZMQ_LINGER`, …).
public enum ReadWrite: ReadableOptionAccess, WritableOptionAccess {}

/// A typed socket option key: `Value` is the Swift type of its value and
/// `Access` says whether it can be read, written or both.
///
/// The keys are generated from libzmq's man pages as static members
/// (`.linger`, `.lastEndpoint`, `.subscribe`, …), so
/// `try socket.set(.linger, 0)` and `let l: Int32 = try socket.get(.linger)`
/// type-check and `try socket.set(.lastEndpoint, "x")` does not.
///
/// A key also carries the option's ``OptionValueKind``, which says what
/// the Swift type alone cannot: whether a `[UInt8]` option is a CURVE key
/// (read as exactly 32 bytes, set from binary or Z85 text).
public struct SocketOption<Value, Access: OptionAccess>: Sendable, Hashable {
  /// The C option name's value (`ZMQ_LINGER`).
  public let rawValue: Int32
  /// How libzmq stores the value.
  public let kind: OptionValueKind

  /// A key with an explicit kind, as the generated members are made.
  @inlinable
  public init(rawValue: Int32, kind: OptionValueKind) {
    self.rawValue = rawValue
    self.kind = kind
  }

  /// A key whose kind follows from `Value`: `Int32`, `Bool`, `Int64`,
  /// `UInt64` and `String` have their own kinds; any other type is `.bytes`.
  @inlinable
  public init(rawValue: Int32) {
    self.init(rawValue: rawValue, kind: OptionValueKind(valueType: Value.self))
  }
}

/// A typed context option key (`.ioThreads`, `.blocky`, `.maxSockets`,
/// `.maxMsgsz`, …), generated like `SocketOption`.
public struct ContextOption<Value, Access: OptionAccess>: Sendable, Hashable {
  /// The C option name's value (`ZMQ_IO_THREADS`).
  public let rawValue: Int32

  @inlinable
  public init(rawValue: Int32) { self.rawValue = rawValue }
}
