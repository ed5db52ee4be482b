internal import CZeroMQ

/// A received message did not have the size the receive call decodes:
/// ``Socket/recvInt(flags:)`` needs exactly 4 bytes and
/// ``Socket/recvInt64(flags:)`` exactly 8.
///
/// The message has been consumed when this is thrown.
public struct MessageSizeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The size the call decodes, in bytes.
  public let expected: Int
  /// The size of the message that arrived, in bytes.
  public let received: Int

  /// Describes a mismatch between the size a receive call decodes and the
  /// size that arrived.
  public init(expected: Int, received: Int) {
    self.expected = expected
    self.received = received
  }

  /// Names both sizes, e.g. "expected a 4-byte message, received 7 bytes".
  public var description: String {
    "expected a \(expected)-byte message, received \(received) byte\(received == 1 ? "" : "s")"
  }
}

// Receiving. Every call receives into a `zmq_msg_t` (so no message is ever
// truncated, whatever its size), lets the caller's decoder read the bytes in
// place, and closes the message: the only copy is into the returned value.

extension Socket {
  /// The single receive path: `zmq_msg_recv` through the funnel into a
  /// message on the stack; `body` reads the message's bytes in place.
  /// Returns `nil` when `.dontWait` was given and nothing was waiting.
  @inline(__always)
  func withReceivedPart<R>(flags: RecvFlags, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
    let pointer = try handle.pointer()
    let dontWait = flags.contains(.dontWait)
    return try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 1) { storage -> R? in
      let message = storage.baseAddress!
      zmq_msg_init(message)  // cannot fail
      defer { zmq_msg_close(message) }
      let received = try CallFunnel.nonBlocking(dontWait: dontWait) {
        zmq_msg_recv(message, pointer, flags.rawValue)
      }
      guard received != nil else { return nil }
      return try body(UnsafeRawBufferPointer(start: zmq_msg_data(message), count: zmq_msg_size(message)))
    }
  }

  /// Receives one message part as bytes.
  ///
  /// - Parameter flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the message's bytes, or `nil` when `.dontWait` was given
  ///   and no message was waiting. Check `.rcvmore` for further parts.
  /// - Throws: ``ZMQError`` — ``ZMQError/eagain`` when `.rcvtimeo` expired,
  ///   ``ZMQError/efsm`` when the socket's pattern does not allow receiving
  ///   now (REQ before sending), ``ZMQError/enotsup`` for send-only sockets,
  ///   ``ZMQError/eterm`` when the context is shut down (also waking a
  ///   blocked call), ``ZMQError/enotsock`` after `close()`.
  public func recv(flags: RecvFlags = []) throws -> [UInt8]? {
    try withReceivedPart(flags: flags) { bytes in
      // One allocation and one copy. Array(_: UnsafeBufferPointer) is
      // specialised for UInt8; the unsafeUninitializedCapacity initialiser
      // looked up type metadata at run time on every call (~400
      // instructions a message under callgrind, bench/instructions.md).
      Array(bytes.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// The same as ``recv(flags:)``, under the name of the JavaScript `zmq`
  /// module's `recv_uint8ffarray` the API was modelled on.
  @inline(__always)
  public func recvBytes(flags: RecvFlags = []) throws -> [UInt8]? {
    try recv(flags: flags)
  }

  /// Receives a 32-bit integer sent as 4 little-endian bytes (for example by
  /// `send(Int32(_:))` or `send(true)`).
  ///
  /// - Returns: the integer, or `nil` when `.dontWait` was given and no
  ///   message was waiting.
  /// - Throws: ``MessageSizeError`` when the message is not exactly 4 bytes
  ///   (the message is consumed), and the errors of ``recv(flags:)``.
  public func recvInt(flags: RecvFlags = []) throws -> Int32? {
    try withReceivedPart(flags: flags) { bytes in try ReceivedBytes.int32(bytes) }
  }

  /// Receives a 64-bit integer sent as 8 little-endian bytes (for example by
  /// `send(Int64(_:))`).
  ///
  /// - Returns: the integer, or `nil` when `.dontWait` was given and no
  ///   message was waiting.
  /// - Throws: ``MessageSizeError`` when the message is not exactly 8 bytes
  ///   (the message is consumed), and the errors of ``recv(flags:)``.
  public func recvInt64(flags: RecvFlags = []) throws -> Int64? {
    try withReceivedPart(flags: flags) { bytes in try ReceivedBytes.int64(bytes) }
  }

  /// Receives one message part as a UTF-8 string.
  ///
  /// A single trailing NUL, as C peers often send, is dropped when it is the
  /// message's only NUL; any other NUL is kept as `"\0"`. Bytes that are not
  /// valid UTF-8 become U+FFFD (the replacement character).
  ///
  /// - Returns: the string, or `nil` when `.dontWait` was given and no
  ///   message was waiting.
  /// - Throws: the errors of ``recv(flags:)``.
  public func recvString(flags: RecvFlags = []) throws -> String? {
    try withReceivedPart(flags: flags) { bytes in ReceivedBytes.string(bytes) }
  }
}

/// The decoders of the typed receive calls, as pure functions of a
/// message's bytes: the socket methods above read the message in place and
/// hand its bytes here, and the libFuzzer targets of `Fuzz/` call them
/// directly with arbitrary input.
enum ReceivedBytes {
  /// The integer of ``Socket/recvInt(flags:)``: exactly 4 bytes,
  /// little-endian.
  @inline(__always)
  static func int32(_ bytes: UnsafeRawBufferPointer) throws(MessageSizeError) -> Int32 {
    guard bytes.count == 4 else { throw MessageSizeError(expected: 4, received: bytes.count) }
    return Int32(littleEndian: bytes.loadUnaligned(as: Int32.self))
  }

  /// The integer of ``Socket/recvInt64(flags:)``: exactly 8 bytes,
  /// little-endian.
  @inline(__always)
  static func int64(_ bytes: UnsafeRawBufferPointer) throws(MessageSizeError) -> Int64 {
    guard bytes.count == 8 else { throw MessageSizeError(expected: 8, received: bytes.count) }
    return Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))
  }

  /// The text of ``Socket/recvString(flags:)``: UTF-8 with invalid
  /// sequences replaced by U+FFFD, after dropping a final NUL when it is the
  /// only NUL in the message (C peers often send one).
  @inline(__always)
  static func string(_ bytes: UnsafeRawBufferPointer) -> String {
    var count = bytes.count
    if count > 0, bytes[count - 1] == 0,
      !SystemCalls.containsZeroByte(UnsafeRawBufferPointer(rebasing: bytes[0..<(count - 1)]))
    {
      count -= 1
    }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
  }
}
