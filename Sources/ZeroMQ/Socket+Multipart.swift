internal import CZeroMQ

/// A value that can be one part of a multipart message sent with
/// `Socket.sendMultipart(_:flags:)`.
///
/// `String` (its UTF-8 bytes, no NUL), `Substring`, `[UInt8]`,
/// `ArraySlice<UInt8>`, `ContiguousArray<UInt8>`, `Data`,
/// `UnsafeRawBufferPointer` and ``Message`` conform, so a message can mix
/// them: `[routingId, "", payload] as [any MessagePart]`.
///
/// Conform your own types by handing out their bytes; the socket copies
/// them once into the outgoing part. A ``Message`` part is not copied at all:
/// it is sent as ``Socket/send(_:flags:)-(Message,_)`` sends it, and is empty afterwards.
public protocol MessagePart {
  /// Calls `body` with the bytes this part consists of. The buffer is only
  /// valid inside `body`.
  func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension String: MessagePart {
  /// The string's UTF-8 bytes, without a terminating NUL.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var string = self  // withUTF8 only copies strings that are not native UTF-8
    return try string.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
  }
}

extension Substring: MessagePart {
  /// The substring's UTF-8 bytes, without a terminating NUL.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var string = self
    return try string.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
  }
}

extension Array: MessagePart where Element == UInt8 {
  /// The array's bytes.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}

extension ArraySlice: MessagePart where Element == UInt8 {
  /// The slice's bytes.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}

extension ContiguousArray: MessagePart where Element == UInt8 {
  /// The array's bytes.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}

extension UnsafeRawBufferPointer: MessagePart {
  /// The bytes the buffer points to.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(self)
  }
}

extension Message: MessagePart {
  /// The message's bytes, in place. (A multipart send does not use this: it
  /// sends the message itself, without copying.)
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}

// Multipart messages. libzmq queues the parts of a message as they are sent
// and hands the peer the whole message only once its last part (the one
// without ZMQ_SNDMORE) is sent; a receiver therefore gets all parts of a
// message or none, and once the first part has arrived the others are
// already there.

extension Socket {
  /// Sends one part: a `Message` as itself (no copy), anything else from
  /// its bytes.
  @inline(__always)
  private func sendPart<Part: MessagePart>(_ part: Part, flags: SendFlags) throws -> Int? {
    // Compare the static type first: a failing `as? Message` on a byte array
    // tries Foundation's array bridging and cost O(n) per part (0.18 s for
    // a 1 MiB part, found by the interop suite). `Message` is final, so the
    // cast below only runs when it succeeds.
    if Part.self == Message.self {
      return try sendMessage(part as! Message, flags: flags)
    }
    return try part.withUnsafeMessagePartBytes { buffer throws(ZMQError) in
      try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
    }
  }

  /// Sends every element with `.sndMore` except the last, which gets
  /// `flags` as given.
  private func sendParts<Parts: Sequence>(
    _ parts: Parts, flags: SendFlags, _ send: (Parts.Element, SendFlags) throws -> Int?
  ) throws -> Int? {
    var iterator = parts.makeIterator()
    guard var part = iterator.next() else { throw MessageError.emptyMultipart }
    var total = 0
    while true {
      let next = iterator.next()
      guard let sent = try send(part, next == nil ? flags : flags.union(.sndMore)) else { return nil }
      total += sent
      guard let next else { return total }
      part = next
    }
  }

  /// Sends a multipart message: every part but the last with `.sndMore`
  /// (pyzmq's `send_multipart`).
  ///
  /// ```swift
  /// try socket.sendMultipart(["topic", "payload"])
  /// try socket.sendMultipart([[1, 2], [3]] as [[UInt8]])
  /// ```
  ///
  /// The message is atomic for the peer: libzmq delivers it whole or not at
  /// all, never some of its parts. ``Message`` parts are sent without
  /// copying and are empty afterwards.
  ///
  /// - Parameters:
  ///   - parts: the parts, in order; at least one.
  ///   - flags: `.dontWait` to return `nil` instead of blocking; `.sndMore`
  ///     to send the last part with it too, when the message goes on with
  ///     further sends.
  /// - Returns: the number of bytes sent in all parts, or `nil` when
  ///   `.dontWait` was given and the message could not be queued now — then
  ///   nothing is delivered (``Message`` parts sent before the stall are
  ///   empty, the others unchanged).
  /// - Throws: ``MessageError/emptyMultipart`` for no parts, and the errors
  ///   of ``send(flags:)``. A failure after the first part (the context
  ///   being shut down, the connection going away) means the message is not
  ///   delivered: libzmq discards the parts it had queued.
  @discardableResult
  public func sendMultipart<Parts: Sequence>(_ parts: Parts, flags: SendFlags = []) throws -> Int?
  where Parts.Element: MessagePart {
    try sendParts(parts, flags: flags) { part, flags in try sendPart(part, flags: flags) }
  }

  /// Sends a multipart message whose parts have different types, e.g.
  /// `try socket.sendMultipart([identity, "", Data(payload)])`. Everything
  /// else is as in the overload for parts of one type.
  @discardableResult
  public func sendMultipart<Parts: Sequence>(_ parts: Parts, flags: SendFlags = []) throws -> Int?
  where Parts.Element == any MessagePart {
    try sendParts(parts, flags: flags) { (part: any MessagePart, flags) in try sendPart(part, flags: flags) }
  }

  /// The former spelling of `sendMultipart(_:flags:)`.
  @available(*, deprecated, renamed: "sendMultipart(_:flags:)")
  @discardableResult
  public func send<Parts: Sequence>(multipart parts: Parts, flags: SendFlags = []) throws -> Int?
  where Parts.Element: MessagePart {
    try sendMultipart(parts, flags: flags)
  }

  /// The former spelling of `sendMultipart(_:flags:)`.
  @available(*, deprecated, renamed: "sendMultipart(_:flags:)")
  @discardableResult
  public func send<Parts: Sequence>(multipart parts: Parts, flags: SendFlags = []) throws -> Int?
  where Parts.Element == any MessagePart {
    try sendMultipart(parts, flags: flags)
  }

  /// Receives all parts of one message as byte arrays (pyzmq's
  /// `recv_multipart`).
  ///
  /// Only the wait for the first part is governed by `flags` and
  /// `.rcvtimeo`: the other parts of a message arrive together with it. If
  /// parts of the message were already received one by one, this returns
  /// the rest.
  ///
  /// - Parameter flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the parts in order (at least one), or `nil` when `.dontWait`
  ///   was given and no message was waiting.
  /// - Throws: the errors of ``recv(flags:)``.
  public func recvMultipart(flags: RecvFlags = []) throws -> [[UInt8]]? {
    let pointer = try handle.pointer()
    return try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 1) {
      (storage) throws(ZMQError) -> [[UInt8]]? in
      let message = storage.baseAddress!
      zmq_msg_init(message)  // cannot fail
      defer { zmq_msg_close(message) }
      var parts: [[UInt8]] = []
      var partFlags = flags
      repeat {
        let received = try CallFunnel.nonBlocking(dontWait: partFlags.contains(.dontWait)) {
          zmq_msg_recv(message, pointer, partFlags.rawValue)
        }
        guard received != nil else { return nil }  // only possible for the first part
        let count = zmq_msg_size(message)
        parts.append(
          [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
              UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: zmq_msg_data(message), byteCount: count)
            }
            initialized = count
          })
        partFlags.remove(.dontWait)
      } while zmq_msg_more(message) != 0
      return parts
    }
  }

  /// Receives all parts of one message as ``Message`` values, without
  /// copying their bytes. Each part's ``Message/more`` is set but the
  /// last's, and each carries the connection's metadata.
  ///
  /// - Parameter flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the parts in order (at least one), or `nil` when `.dontWait`
  ///   was given and no message was waiting.
  /// - Throws: the errors of ``recv(flags:)``.
  public func recvMultipartMessages(flags: RecvFlags = []) throws -> [Message]? {
    var parts: [Message] = []
    var partFlags = flags
    repeat {
      let part = Message()
      guard try receive(into: part, flags: partFlags) != nil else { return nil }
      parts.append(part)
      partFlags.remove(.dontWait)
    } while parts[parts.count - 1].more
    return parts
  }
}
