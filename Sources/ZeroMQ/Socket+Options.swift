// Data and ContiguousBytes; FoundationEssentials, where the toolchain has
// it, avoids pulling all of Foundation (and ICU) into every client.
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
internal import CZeroMQ

/// A socket option value in untyped form, by the C type libzmq stores it as
/// (``Socket/setsockopt(_:_:)``, ``Socket/getsockopt(_:)``).
///
/// Boolean options are C `int`s, so they are `.int(0)` / `.int(1)` here; the
/// typed API (`try socket.get(.rcvmore)`) gives them as `Bool`.
public enum SocketOptionValue: Hashable, Sendable, CustomStringConvertible {
  /// A C `int` option (`ZMQ_LINGER`, `ZMQ_SNDHWM`, `ZMQ_RCVMORE`, …).
  case int(Int32)
  /// An `int64_t` option (`ZMQ_MAXMSGSIZE`).
  case int64(Int64)
  /// A `uint64_t` option (`ZMQ_AFFINITY`).
  case uint64(UInt64)
  /// A character-string option (`ZMQ_LAST_ENDPOINT`, `ZMQ_ZAP_DOMAIN`, …).
  case string(String)
  /// A binary option (`ZMQ_ROUTING_ID`, `ZMQ_SUBSCRIBE`, CURVE keys, …).
  case bytes([UInt8])

  /// The value as Swift would print it, tagged with its case, e.g. `int(0)`.
  public var description: String {
    switch self {
    case .int(let value): "int(\(value))"
    case .int64(let value): "int64(\(value))"
    case .uint64(let value): "uint64(\(value))"
    case .string(let value): "string(\(String(reflecting: value)))"
    case .bytes(let value): "bytes(\(value))"
    }
  }
}

// MARK: - The raw calls

extension Socket {
  /// The largest buffer offered to `zmq_getsockopt` for a string or binary
  /// value. libzmq answers `EINVAL` when a buffer is too small (it never
  /// says how large the value is), so buffers grow from 256 bytes up to
  /// this bound; beyond it the `EINVAL` is real and is thrown.
  static let maximumOptionSize = 1 << 20

  /// `zmq_setsockopt` with the bytes of `buffer`; empty values are passed as
  /// `NULL, 0`, the form libzmq accepts for every option.
  @inline(__always)
  func setOption(_ option: Int32, _ buffer: UnsafeRawBufferPointer) throws(ZMQError) {
    let pointer = try livePointer()
    if option >= ZMQ.optionPlaceholderBase { throw .placeholderOption(option) }
    let base = buffer.count == 0 ? nil : buffer.baseAddress
    try CallFunnel.check(zmq_setsockopt(pointer, option, base, buffer.count))
  }

  @inline(__always)
  func setOption<T: FixedWidthInteger>(_ option: Int32, integer value: T) throws(ZMQError) {
    try withUnsafeBytes(of: value) { (buffer) throws(ZMQError) in try setOption(option, buffer) }
  }

  /// With `readBack`, a value that `getOption` could not read back (it
  /// offers at most `maximumOptionSize` bytes, NUL included) is refused
  /// here, where the mistake is made, instead of making every later read
  /// fail. Only string options are read back as text.
  func setOption(_ option: Int32, string value: String, readBack: Bool) throws {
    if readBack && value.utf8.count >= Self.maximumOptionSize {
      _ = try handle.pointer()
      throw ZMQError.einval
    }
    var value = value  // withUTF8 only copies strings that are not native UTF-8
    try value.withUTF8 { utf8 in try setOption(option, UnsafeRawBufferPointer(utf8)) }
  }

  func setOption(_ option: Int32, bytes value: [UInt8]) throws {
    try value.withUnsafeBytes { buffer in try setOption(option, buffer) }
  }

  /// Reads a fixed-size (C `int`, `int64_t`, `uint64_t`) option.
  @inline(__always)
  func getOption<T: FixedWidthInteger>(_ option: Int32, as _: T.Type) throws(ZMQError) -> T {
    let pointer = try livePointer()
    if option >= ZMQ.optionPlaceholderBase { throw .placeholderOption(option) }
    var value: T = 0
    var size = MemoryLayout<T>.size
    // ZMQ_EVENTS processes pending commands and can be interrupted.
    try CallFunnel.blocking { zmq_getsockopt(pointer, option, &value, &size) }
    return value
  }

  /// Reads a variable-size option into a buffer and hands the bytes libzmq
  /// reported to `body`. With `exactSize`, only that size is offered (CURVE
  /// keys: 32 bytes gives binary, 41 gives Z85 text); otherwise the buffer
  /// grows on `EINVAL` up to ``maximumOptionSize``.
  func getOption<R>(_ option: Int32, exactSize: Int? = nil, _ body: (UnsafeRawBufferPointer) -> R) throws(ZMQError) -> R
  {
    let pointer = try livePointer()
    if option >= ZMQ.optionPlaceholderBase { throw .placeholderOption(option) }
    var capacity = exactSize ?? 256
    while true {
      let outcome = withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer -> Result<R, ZMQError> in
        while true {
          var size = capacity
          if zmq_getsockopt(pointer, option, buffer.baseAddress, &size) == 0 {
            return .success(body(UnsafeRawBufferPointer(rebasing: buffer[0..<min(size, capacity)])))
          }
          let error = ZMQError.current
          if error != .eintr { return .failure(error) }
        }
      }
      switch outcome {
      case .success(let value):
        return value
      case .failure(let error):
        guard error == .einval, exactSize == nil, capacity < Self.maximumOptionSize else { throw error }
        capacity *= 2
      }
    }
  }

  /// Reads a string option; the NUL terminator libzmq includes is dropped.
  func getOption(_ option: Int32, stringExactSize exactSize: Int? = nil) throws(ZMQError) -> String {
    try getOption(option, exactSize: exactSize) { bytes in
      var count = bytes.count
      if count > 0 && bytes[count - 1] == 0 { count -= 1 }
      return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
    }
  }

  /// Reads a binary option, whole.
  func getOption(_ option: Int32, bytesExactSize exactSize: Int? = nil) throws(ZMQError) -> [UInt8] {
    try getOption(option, exactSize: exactSize) { [UInt8]($0) }
  }

  /// CURVE keys (kind `.z85`) are read as 32 binary bytes or 40 Z85
  /// characters plus NUL, and libzmq accepts only those exact sizes. The
  /// untyped calls learn the kind from the option table; typed keys carry it.
  private static func isZ85(_ option: Int32) -> Bool {
    ZMQ.socketOptionKinds[option] == .z85
  }
}

// MARK: - Typed options

extension Socket {
  /// Sets an integer option, e.g. `try socket.set(.linger, 0)`
  /// (`zmq_setsockopt`). Read-only options, and values of another type, do
  /// not compile.
  ///
  /// - Throws: ``ZMQError/einval`` for a value libzmq refuses or an option
  ///   that does not apply to this socket type, ``ZMQError/enotsock`` after
  ///   `close()`, ``ZMQError/eterm`` after the context was shut down.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<Int32, Access>, _ value: Int32) throws {
    try setOption(option.rawValue, integer: value)
  }

  /// Sets a Boolean option (a C `int` of `0` or `1`), e.g.
  /// `try socket.set(.immediate, true)` (`zmq_setsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<Bool, Access>, _ value: Bool) throws {
    try setOption(option.rawValue, integer: Int32(value ? 1 : 0))
  }

  /// Sets a 64-bit option, e.g. `try socket.set(.maxmsgsize, 1 << 20)`
  /// (`zmq_setsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<Int64, Access>, _ value: Int64) throws {
    try setOption(option.rawValue, integer: value)
  }

  /// Sets an unsigned 64-bit option, e.g. `try socket.set(.affinity, 1)`
  /// (`zmq_setsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<UInt64, Access>, _ value: UInt64) throws {
    try setOption(option.rawValue, integer: value)
  }

  /// Sets a string option to the string's UTF-8 bytes, without a NUL, e.g.
  /// `try socket.set(.zapDomain, "global")` (`zmq_setsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form; ``ZMQError/einval`` also for
  ///   a value of 1 MiB or more, which could not be read back.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<String, Access>, _ value: String) throws {
    try setOption(option.rawValue, string: value, readBack: option.kind == .string)
  }

  /// Sets a binary option, e.g. `try socket.set(.routingId, [1, 2, 3])`
  /// (`zmq_setsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form (``ZMQError/einval`` for a
  ///   routing id that is empty or longer than 255 bytes, or a CURVE key
  ///   that is not 32 bytes).
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<[UInt8], Access>, _ value: [UInt8]) throws {
    try setOption(option.rawValue, bytes: value)
  }

  /// Sets a binary option to the UTF-8 bytes of a string, without a NUL:
  /// `try socket.set(.subscribe, "")` subscribes to everything; for CURVE
  /// keys, pass the 40-character Z85 text of the key.
  ///
  /// - Throws: the errors of the `Int32` form.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<[UInt8], Access>, _ value: String) throws {
    try setOption(option.rawValue, string: value, readBack: false)
  }

  /// Sets a binary option to the bytes of a `Data` value.
  ///
  /// - Throws: the errors of the `Int32` form.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<[UInt8], Access>, _ value: Data) throws {
    try value.withUnsafeBytes { buffer in try setOption(option.rawValue, buffer) }
  }

  /// Reads an integer option, e.g. `let linger: Int32 = try socket.get(.linger)`
  /// (`zmq_getsockopt`). Write-only options do not compile.
  ///
  /// - Throws: ``ZMQError/einval`` for an option that does not apply to this
  ///   socket type, ``ZMQError/enotsock`` after `close()`,
  ///   ``ZMQError/eterm`` after the context was shut down.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<Int32, Access>) throws -> Int32 {
    try getOption(option.rawValue, as: Int32.self)
  }

  /// Reads a Boolean option (a C `int`; nonzero is `true`), e.g.
  /// `try socket.get(.rcvmore)` (`zmq_getsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<Bool, Access>) throws -> Bool {
    try getOption(option.rawValue, as: Int32.self) != 0
  }

  /// Reads a 64-bit option, e.g. `.maxmsgsize` (`zmq_getsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<Int64, Access>) throws -> Int64 {
    try getOption(option.rawValue, as: Int64.self)
  }

  /// Reads an unsigned 64-bit option, e.g. `.affinity` (`zmq_getsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<UInt64, Access>) throws -> UInt64 {
    try getOption(option.rawValue, as: UInt64.self)
  }

  /// Reads a string option, whole, without its NUL terminator, e.g.
  /// `let endpoint: String = try socket.get(.lastEndpoint)`
  /// (`zmq_getsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<String, Access>) throws -> String {
    try getOption(option.rawValue, stringExactSize: nil)
  }

  /// Reads a binary option, whole, e.g. `.routingId`; CURVE keys come back
  /// as their 32 binary bytes (`zmq_getsockopt`).
  ///
  /// - Throws: the errors of the `Int32` form.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<[UInt8], Access>) throws -> [UInt8] {
    try getOption(option.rawValue, bytesExactSize: option.kind == .z85 ? 32 : nil)
  }
}

// MARK: - Untyped options (getsockopt/setsockopt, as in the JavaScript zmq module)

extension Socket {
  /// Sets an option by its raw name, e.g.
  /// `try socket.setsockopt(ZMQ.LINGER, .int(0))` (`zmq_setsockopt`).
  ///
  /// When the option table knows the option's type, integer values are
  /// converted to the option's width (throwing ``ZMQError/einval`` when the
  /// value does not fit), a string given for a binary option is sent as its
  /// UTF-8 bytes, and an integer given for a string or binary option throws
  /// ``ZMQError/einval``. Unknown options are passed to libzmq as given.
  ///
  /// - Throws: ``ZMQError/einval`` for a value or option libzmq refuses,
  ///   ``ZMQError/enotsock`` after `close()`, ``ZMQError/eterm`` after the
  ///   context was shut down.
  public func setsockopt(_ option: Int32, _ value: SocketOptionValue) throws {
    switch (ZMQ.socketOptionKinds[option], value) {
    case (.int32?, _), (.bool?, _):
      try setOption(option, integer: try Self.convert(value, to: Int32.self))
    case (.int64?, _):
      try setOption(option, integer: try Self.convert(value, to: Int64.self))
    case (.uint64?, _):
      try setOption(option, integer: try Self.convert(value, to: UInt64.self))
    case (.string?, .int), (.string?, .int64), (.string?, .uint64),
      (.bytes?, .int), (.bytes?, .int64), (.bytes?, .uint64),
      (.z85?, .int), (.z85?, .int64), (.z85?, .uint64):
      throw ZMQError.einval
    case (_, .int(let value)): try setOption(option, integer: value)
    case (_, .int64(let value)): try setOption(option, integer: value)
    case (_, .uint64(let value)): try setOption(option, integer: value)
    case (_, .string(let value)):
      try setOption(option, string: value, readBack: ZMQ.socketOptionKinds[option] == .string)
    case (_, .bytes(let value)): try setOption(option, bytes: value)
    }
  }

  /// Converts an integer value to the option's C type, if it fits.
  private static func convert<T: FixedWidthInteger>(_ value: SocketOptionValue, to _: T.Type) throws(ZMQError) -> T {
    let converted: T? =
      switch value {
      case .int(let value): T(exactly: value)
      case .int64(let value): T(exactly: value)
      case .uint64(let value): T(exactly: value)
      case .string, .bytes: nil
      }
    guard let converted else { throw .einval }
    return converted
  }

  /// Reads an option by its raw name (`zmq_getsockopt`), typed by the
  /// option table: C `int` and Boolean options come back as `.int`,
  /// `int64_t` as `.int64`, `uint64_t` as `.uint64`, strings as `.string`,
  /// binary data (CURVE keys: their 32 bytes) as `.bytes`.
  ///
  /// An option the table does not know is probed as the JavaScript `zmq` module does: as a
  /// string, then as an `int`, then as an `int64_t`.
  ///
  /// - Throws: ``ZMQError/einval`` for an option libzmq refuses to read on
  ///   this socket, ``ZMQError/enotsock`` after `close()`,
  ///   ``ZMQError/eterm`` after the context was shut down.
  public func getsockopt(_ option: Int32) throws -> SocketOptionValue {
    switch ZMQ.socketOptionKinds[option] {
    case .int32?, .bool?: return .int(try getOption(option, as: Int32.self))
    case .int64?: return .int64(try getOption(option, as: Int64.self))
    case .uint64?: return .uint64(try getOption(option, as: UInt64.self))
    case .string?: return .string(try getOption(option, stringExactSize: nil))
    case .bytes?: return .bytes(try getOption(option, bytesExactSize: nil))
    case .z85?: return .bytes(try getOption(option, bytesExactSize: 32))
    case nil: return try probeOption(option)
    }
  }

  /// Reads an option whose type the table does not know, trying the types
  /// in the JavaScript `zmq` module's order: string, `int`, `int64_t`. The last failure is
  /// thrown (``ZMQError/enotsock`` at once for a closed socket).
  func probeOption(_ option: Int32) throws(ZMQError) -> SocketOptionValue {
    _ = try handle.pointer()
    if let value = try? getOption(option, stringExactSize: nil) { return .string(value) }
    if let value = try? getOption(option, as: Int32.self) { return .int(value) }
    return .int64(try getOption(option, as: Int64.self))
  }

  /// Reads a C `int` option by its raw name (the JavaScript `getsockopt_int`).
  ///
  /// - Throws: ``ZMQError/einval`` when the option is not an `int` option
  ///   of this socket, and the errors of ``getsockopt(_:)``.
  public func getsockoptInt(_ option: Int32) throws -> Int32 {
    try Self.requireFixedSize(option)
    return try getOption(option, as: Int32.self)
  }

  /// Reads a 64-bit option by its raw name (the JavaScript `getsockopt_bigint`);
  /// `uint64_t` options come back with the same bits.
  ///
  /// - Throws: ``ZMQError/einval`` when the option is not a 64-bit option of
  ///   this socket, and the errors of ``getsockopt(_:)``.
  public func getsockoptInt64(_ option: Int32) throws -> Int64 {
    try Self.requireFixedSize(option)
    return try getOption(option, as: Int64.self)
  }

  /// Reads a string option by its raw name, whole (the JavaScript
  /// `getsockopt_str`); CURVE keys come back as their 40-character Z85
  /// text, other binary options decoded as UTF-8.
  ///
  /// - Throws: ``ZMQError/einval`` when libzmq cannot give the option as a
  ///   string, and the errors of ``getsockopt(_:)``.
  public func getsockoptString(_ option: Int32) throws -> String {
    try Self.requireVariableSize(option)
    return try getOption(option, stringExactSize: Self.isZ85(option) ? 41 : nil)
  }

  /// Reads a binary option by its raw name, whole (the JavaScript
  /// `getsockopt_uint8ffarray`); CURVE keys come back as their 32 bytes.
  ///
  /// - Throws: ``ZMQError/einval`` when libzmq cannot give the option as
  ///   bytes, and the errors of ``getsockopt(_:)``.
  public func getsockoptBytes(_ option: Int32) throws -> [UInt8] {
    try Self.requireVariableSize(option)
    return try getOption(option, bytesExactSize: Self.isZ85(option) ? 32 : nil)
  }

  /// Refuses to read a string or binary option as a number. libzmq copies
  /// such a value into any buffer large enough for it, so a 4- or 8-byte
  /// read of a short string or routing id "succeeds" with its bytes as a
  /// meaningless integer; the option table says better.
  static func requireFixedSize(_ option: Int32) throws(ZMQError) {
    switch ZMQ.socketOptionKinds[option] {
    case .string?, .bytes?, .z85?: throw .einval
    default: return
    }
  }

  /// Fails at once, instead of after growing a buffer to the limit, when
  /// the option table knows the option holds a number.
  static func requireVariableSize(_ option: Int32) throws(ZMQError) {
    switch ZMQ.socketOptionKinds[option] {
    case .int32?, .bool?, .int64?, .uint64?: throw .einval
    default: return
    }
  }
}
