internal import CZeroMQ

// Sending. Every overload hands the caller's own storage to `zmq_send`,
// which copies it once into the outgoing message; nothing is copied or
// allocated on the Swift side. Integers go out little-endian whatever the
// host, so any peer can decode them. `send(flags:)` documents the result
// and the errors every overload shares.

extension Socket {
  /// The single send path: `zmq_send` through the funnel.
  @inline(__always)
  func sendBuffer(_ base: UnsafeRawPointer?, _ count: Int, flags: SendFlags) throws(ZMQError) -> Int? {
    let pointer = try handle.pointer()
    let sent = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_send(pointer, count == 0 ? nil : base, count, flags.rawValue)
    }
    return sent.map { Int($0) }
  }

  /// Sends an empty message (`send(null)` in the JavaScript `zmq` module).
  ///
  /// - Parameter flags: `.dontWait` to return `nil` instead of blocking,
  ///   `.sndMore` when more parts of the same message follow.
  /// - Returns: the number of bytes sent (`0`), or `nil` when `.dontWait`
  ///   was given and the message could not be queued now.
  /// - Throws: ``ZMQError`` — ``ZMQError/eagain`` when `.sndtimeo` expired,
  ///   ``ZMQError/efsm`` when the socket's pattern does not allow sending
  ///   now (REQ waiting for a reply), ``ZMQError/enotsup`` for receive-only
  ///   sockets, ``ZMQError/eterm``, ``ZMQError/enotsock``.
  @discardableResult
  public func send(flags: SendFlags = []) throws -> Int? {
    try sendBuffer(nil, 0, flags: flags)
  }

  /// Sends the bytes of a raw buffer as one message part.
  ///
  /// Returns and throws as ``send(flags:)`` does.
  @discardableResult
  public func send(_ buffer: UnsafeRawBufferPointer, flags: SendFlags = []) throws -> Int? {
    try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
  }

  /// Sends a byte array as one message part.
  ///
  /// Returns and throws as ``send(flags:)`` does.
  @discardableResult
  public func send(_ bytes: [UInt8], flags: SendFlags = []) throws -> Int? {
    try bytes.withUnsafeBytes { buffer throws(ZMQError) in
      try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
    }
  }

  /// Sends a string as its UTF-8 bytes, without a terminating NUL (NULs
  /// inside the string are sent as they are).
  ///
  /// Returns and throws as ``send(flags:)`` does.
  @discardableResult
  public func send(_ string: String, flags: SendFlags = []) throws -> Int? {
    var string = string  // withUTF8 only copies strings that are not native UTF-8
    return try string.withUTF8 { utf8 throws(ZMQError) in
      try sendBuffer(utf8.baseAddress, utf8.count, flags: flags)
    }
  }

  /// Sends a 32-bit integer as 4 bytes, little-endian (read it back with
  /// ``recvInt(flags:)``).
  ///
  /// Returns `4` (`nil` when `.dontWait` would block); throws as
  /// ``send(flags:)`` does.
  @discardableResult
  public func send(_ value: Int32, flags: SendFlags = []) throws -> Int? {
    try withUnsafeBytes(of: value.littleEndian) { buffer throws(ZMQError) in
      try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
    }
  }

  /// Sends a Boolean as a 32-bit integer: 4 bytes, little-endian, `1` for
  /// `true` and `0` for `false`, as the JavaScript `zmq` module does.
  ///
  /// Returns `4` (`nil` when `.dontWait` would block); throws as
  /// ``send(flags:)`` does.
  @discardableResult
  public func send(_ value: Bool, flags: SendFlags = []) throws -> Int? {
    try send(Int32(value ? 1 : 0), flags: flags)
  }

  /// Sends a 64-bit integer as 8 bytes, little-endian (read it back with
  /// ``recvInt64(flags:)``).
  ///
  /// An integer literal (`try socket.send(10)`) picks the 32-bit form, as
  /// JavaScript's `send(10)` does; write `Int64(10)` for 8 bytes.
  ///
  /// Returns `8` (`nil` when `.dontWait` would block); throws as
  /// ``send(flags:)`` does.
  @discardableResult
  @_disfavoredOverload
  public func send(_ value: Int64, flags: SendFlags = []) throws -> Int? {
    try withUnsafeBytes(of: value.littleEndian) { buffer throws(ZMQError) in
      try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
    }
  }
}
