// The async receives: each is the synchronous receive of the same name with
// `Async` appended, and waits instead of blocking.

extension Socket {
  /// Receives one message part as bytes, suspending the task — not blocking
  /// a thread — until one arrives (the async form of ``recv(flags:)``).
  ///
  /// ```swift
  /// let bytes = try await socket.recvAsync()
  /// ```
  ///
  /// Every async receive behaves the same way:
  ///
  /// - It runs on the caller's executor and suspends only when nothing is
  ///   waiting; the wait is polled by the event loop the caller runs on, or
  ///   else by the socket's ``eventLoop``.
  /// - Cancellation: cancelling the task ends a pending wait at once with
  ///   `CancellationError`, and a call that throws it has taken no message;
  ///   the next receive gets it. A task that is already cancelled throws
  ///   before receiving anything.
  /// - Timeout: `.rcvtimeo` applies as to the synchronous form: when it is
  ///   positive and runs out the call throws ``ZMQError/eagain``, `0`
  ///   throws it at once when nothing is waiting, `-1` (the default) waits
  ///   as long as it takes.
  /// - Throws: `CancellationError`; ``ZMQError/enotsock`` when the socket is
  ///   closed and ``ZMQError/eterm`` when its context is shut down, also
  ///   while the call waits; ``ZMQEventLoopError/shutDown`` when the loop
  ///   that would poll the wait was shut down; and the other errors of the
  ///   synchronous form.
  /// - Returns: the message's bytes. Check `.rcvmore` for further parts.
  @inlinable
  nonisolated(nonsending)
    public func recvAsync() async throws -> [UInt8]
  {
    try await untilReady(.receive) { try recv(flags: .dontWait) }
  }

  /// Receives one message part as UTF-8 text (the async form of
  /// ``recvString(flags:)``, decoding as it does). Waits as ``recvAsync()``.
  @inlinable
  nonisolated(nonsending)
    public func recvStringAsync() async throws -> String
  {
    try await untilReady(.receive) { try recvString(flags: .dontWait) }
  }

  /// Receives a 32-bit little-endian integer (the async form of
  /// ``recvInt(flags:)``). Waits as ``recvAsync()``; a message of another
  /// size throws ``MessageSizeError`` and is consumed.
  @inlinable
  nonisolated(nonsending)
    public func recvIntAsync() async throws -> Int32
  {
    try await untilReady(.receive) { try recvInt(flags: .dontWait) }
  }

  /// Receives a 64-bit little-endian integer (the async form of
  /// ``recvInt64(flags:)``). Waits as ``recvAsync()``; a message of another
  /// size throws ``MessageSizeError`` and is consumed.
  @inlinable
  nonisolated(nonsending)
    public func recvInt64Async() async throws -> Int64
  {
    try await untilReady(.receive) { try recvInt64(flags: .dontWait) }
  }

  /// Receives one message part as a ``Message``, without copying its bytes
  /// (the async form of ``recvMessage(flags:)``). Waits as ``recvAsync()``.
  @inlinable
  nonisolated(nonsending)
    public func recvMessageAsync() async throws -> Message
  {
    try await untilReady(.receive) { try recvMessage(flags: .dontWait) }
  }

  /// Receives one message part into `message`, replacing what it held,
  /// without copying its bytes (the async form of
  /// ``recv(into:flags:)-(Message,_)``). Receiving into one message again
  /// and again allocates nothing per part. Waits as ``recvAsync()``; as in
  /// the synchronous form, the previous content is released even when no
  /// part arrives (the call throws), leaving the message empty.
  ///
  /// - Returns: the size of the received part; ``Message/more`` says whether
  ///   further parts follow.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func recvAsync(into message: Message) async throws -> Int
  {
    try await untilReady(.receive) { try recv(into: message, flags: .dontWait) }
  }

  /// Receives one message part into a buffer you own, copying at most
  /// `buffer.count` bytes (the async form of
  /// ``recv(into:flags:)-(UnsafeMutableRawBufferPointer,_)``). The buffer
  /// must stay valid until the call returns. Waits as ``recvAsync()``.
  ///
  /// ```swift
  /// let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 1)
  /// defer { buffer.deallocate() }
  /// let size = try await socket.recvAsync(into: buffer)
  /// if size > buffer.count { print("truncated") }
  /// ```
  ///
  /// - Returns: the size of the **whole** part, which is more than
  ///   `buffer.count` when the part did not fit (only its first
  ///   `buffer.count` bytes were stored). Check `.rcvmore` for further parts.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func recvAsync(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int
  {
    try await untilReady(.receive) { try recv(into: buffer, flags: .dontWait) }
  }

  /// Receives all parts of one message (the async form of
  /// ``recvMultipart(flags:)``). The parts of a message arrive together, so
  /// only the wait for the first one suspends, and no other task can take
  /// parts of this message. Waits as ``recvAsync()``.
  @inlinable
  nonisolated(nonsending)
    public func recvMultipartAsync() async throws -> [[UInt8]]
  {
    try await untilReady(.receive) { try recvMultipart(flags: .dontWait) }
  }

  /// Receives all parts of one message as ``Message`` values, without
  /// copying (the async form of ``recvMultipartMessages(flags:)``). Waits
  /// as ``recvMultipartAsync()``.
  @inlinable
  nonisolated(nonsending)
    public func recvMultipartMessagesAsync() async throws -> [Message]
  {
    try await untilReady(.receive) { try recvMultipartMessages(flags: .dontWait) }
  }
}
