internal import CZeroMQ

// Sending and receiving `Message` values, and receiving into a buffer the
// caller owns. None of these copies a message on the Swift side: a
// `Message` is handed to libzmq or filled by it in place, and `zmq_recv`
// copies straight into the caller's buffer.

extension Socket {
  /// Sends a message without copying its bytes (`zmq_msg_send`).
  ///
  /// libzmq takes the message's content: after a successful send the
  /// message is empty (``Message/size`` is `0`) and can be filled again or
  /// received into. When the send fails, or returns `nil`, the message is
  /// unchanged and still yours.
  ///
  /// - Parameters:
  ///   - message: the part to send; empty afterwards when the send succeeds.
  ///   - flags: `.dontWait` to return `nil` instead of blocking, `.sndMore`
  ///     when more parts of the same message follow.
  /// - Returns: the number of bytes sent, or `nil` when `.dontWait` was
  ///   given and the message could not be queued now.
  /// - Throws: ``ZMQError`` — ``ZMQError/eagain`` when `.sndtimeo` expired,
  ///   ``ZMQError/efsm`` when the socket's pattern does not allow sending
  ///   now, ``ZMQError/enotsup`` for receive-only sockets,
  ///   ``ZMQError/eterm``, ``ZMQError/enotsock`` after `close()`.
  @discardableResult
  public func send(_ message: Message, flags: SendFlags = []) throws -> Int? {
    try sendMessage(message, flags: flags)
  }

  /// The single message send path, with typed throws for the multipart
  /// sender. Reports the message's size, exact even beyond `Int32.max`:
  /// `zmq_msg_send`'s own result is exact below that and saturates there,
  /// so the size is asked for beforehand only when the message may be
  /// that large.
  @inline(__always)
  func sendMessage(_ message: Message, flags: SendFlags) throws(ZMQError) -> Int? {
    let pointer = try handle.pointer()
    guard message.content != .unknown else { return try sendSizing(message, to: pointer, flags: flags) }
    let sent = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_msg_send(message.raw, pointer, flags.rawValue)
    }
    guard let sent else { return nil }
    message.content = .released  // libzmq took the content; nothing is left to close
    return Int(sent)
  }

  /// ``sendMessage(_:flags:)`` for a message that may hold `Int32.max`
  /// bytes or more: its size is read before libzmq empties it.
  @inline(never)
  private func sendSizing(
    _ message: Message, to pointer: UnsafeMutableRawPointer, flags: SendFlags
  ) throws(ZMQError) -> Int? {
    let size = message.size
    let sent = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_msg_send(message.raw, pointer, flags.rawValue)
    }
    guard sent != nil else { return nil }
    message.content = .released
    return size
  }

  /// Receives one message part into `message`, replacing what it held
  /// (`zmq_msg_recv`).
  ///
  /// Receiving into the same message again and again allocates nothing on
  /// the Swift side: libzmq releases the previous content and stores small
  /// messages inside the message itself. As in libzmq, the previous content
  /// is released even when no part arrives (`nil` or an error): the
  /// message is then empty.
  ///
  /// - Parameters:
  ///   - message: the message to fill; its ``Message/more`` then says
  ///     whether further parts follow.
  ///   - flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the size of the received part, or `nil` when `.dontWait`
  ///   was given and nothing was waiting.
  /// - Throws: ``ZMQError`` — ``ZMQError/eagain`` when `.rcvtimeo` expired,
  ///   ``ZMQError/efsm`` when the socket's pattern does not allow receiving
  ///   now, ``ZMQError/enotsup`` for send-only sockets,
  ///   ``ZMQError/eterm``, ``ZMQError/enotsock`` after `close()`.
  @discardableResult
  public func recv(into message: Message, flags: RecvFlags = []) throws -> Int? {
    try receive(into: message, flags: flags)
  }

  /// The single message receive path, with typed throws.
  @inline(__always)
  func receive(into message: Message, flags: RecvFlags) throws(ZMQError) -> Int? {
    let pointer = try handle.pointer()
    let received = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_msg_recv(message.raw, pointer, flags.rawValue)
    }
    guard let received else { return nil }
    // zmq_msg_recv's result saturates at Int32.max; only then ask the message.
    // (Even an empty part may hold metadata that a close must release.)
    guard received == Int32.max else {
      message.content = .belowInt32Max
      return Int(received)
    }
    message.content = .unknown
    return message.size
  }

  /// Receives one message part as a new ``Message`` (`zmq_msg_recv`): the
  /// bytes stay where libzmq put them, nothing is copied.
  ///
  /// - Parameter flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the message, or `nil` when `.dontWait` was given and nothing
  ///   was waiting.
  /// - Throws: the errors of ``recv(into:flags:)-(Message,_)``.
  public func recvMessage(flags: RecvFlags = []) throws -> Message? {
    let message = Message()
    return try receive(into: message, flags: flags) == nil ? nil : message
  }

  /// Receives one message part into a buffer you own (`zmq_recv`), copying
  /// at most `buffer.count` bytes.
  ///
  /// The result is the size of the **whole** part, as libzmq reports it: when
  /// it is larger than `buffer.count`, the part did not fit and only its
  /// first `buffer.count` bytes were stored — the rest is gone. Compare the
  /// two to detect truncation. (Parts larger than `Int32.max` bytes report
  /// `Int32.max`.)
  ///
  /// ```swift
  /// var buffer = [UInt8](repeating: 0, count: 256)
  /// let size = try buffer.withUnsafeMutableBytes { try socket.recv(into: $0) }
  /// if let size, size > buffer.count { print("truncated") }
  /// ```
  ///
  /// - Parameters:
  ///   - buffer: where the bytes go; may be empty, to discard a part and
  ///     learn its size.
  ///   - flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the size of the part (possibly more than `buffer.count`), or
  ///   `nil` when `.dontWait` was given and nothing was waiting. Check
  ///   `.rcvmore` for further parts.
  /// - Throws: the errors of ``recv(into:flags:)-(Message,_)``.
  public func recv(into buffer: UnsafeMutableRawBufferPointer, flags: RecvFlags = []) throws -> Int? {
    let pointer = try handle.pointer()
    let received = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_recv(pointer, buffer.count == 0 ? nil : buffer.baseAddress, buffer.count, flags.rawValue)
    }
    return received.map { Int($0) }
  }
}
