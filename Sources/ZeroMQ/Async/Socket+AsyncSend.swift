// Data and ContiguousBytes; FoundationEssentials, where the toolchain has
// it, avoids pulling all of Foundation (and ICU) into every client.
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

// The async sends: each is the synchronous `send`/`sendMultipart` overload
// of the same value type, named with `Async` and returning the count
// instead of an optional. The first overload's documentation holds for all.

extension Socket {
  /// Sends an empty message part, suspending the task — not blocking a
  /// thread — while the socket cannot queue it (the async form of
  /// ``send(flags:)``).
  ///
  /// Every `sendAsync` and `sendMultipartAsync` overload encodes its value
  /// as the synchronous overload does and behaves the same way:
  ///
  /// - `flags`: `.sndMore` when more parts of the same message follow;
  ///   `.dontWait` to never suspend: the call then throws
  ///   ``ZMQError/eagain`` when the socket cannot queue the part now.
  /// - It suspends while the high-water mark is reached or (PUSH, DEALER…)
  ///   no peer is connected yet, on the caller's executor; the wait is
  ///   polled as for ``recvAsync()``.
  /// - Cancellation: cancelling the task ends a pending wait at once with
  ///   `CancellationError`; the part has then not been queued. A
  ///   ``Message`` is left unchanged when the call throws.
  /// - Timeout: `.sndtimeo` applies as to the synchronous form
  ///   (``ZMQError/eagain`` when it runs out).
  /// - Returns: the number of bytes sent.
  /// - Throws: `CancellationError`; ``ZMQError/enotsock`` when the socket is
  ///   closed and ``ZMQError/eterm`` when its context is shut down, also
  ///   while waiting; ``ZMQEventLoopError/shutDown``; and the errors of the
  ///   synchronous form.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(flags: $0) }
  }

  /// Sends bytes as one message part; see ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ bytes: [UInt8], flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(bytes, flags: $0) }
  }

  /// Sends the bytes of a buffer you own as one message part (the async
  /// form of ``send(_:flags:)-(UnsafeRawBufferPointer,_)``): libzmq copies
  /// them, so the buffer must stay valid only until the call returns. See
  /// ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ buffer: UnsafeRawBufferPointer, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(buffer, flags: $0) }
  }

  /// Sends any contiguous bytes (`Data`, `ArraySlice<UInt8>`, …) as one
  /// message part; see ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync<Bytes: ContiguousBytes>(_ bytes: Bytes, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(bytes, flags: $0) }
  }

  /// Sends a string's UTF-8 bytes (no NUL); see ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ string: String, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(string, flags: $0) }
  }

  /// Sends 4 little-endian bytes (read them with ``recvIntAsync()``); see
  /// ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ value: Int32, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(value, flags: $0) }
  }

  /// Sends 8 little-endian bytes (read them with ``recvInt64Async()``);
  /// see ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ value: Int64, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(value, flags: $0) }
  }

  /// Sends a Boolean as the 32-bit `1` or `0`; see ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ value: Bool, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(value, flags: $0) }
  }

  /// Sends a ``Message`` without copying its bytes; it is empty afterwards
  /// and unchanged when the call throws. See ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendAsync(_ message: Message, flags: SendFlags = []) async throws -> Int
  {
    try await sendUntilReady(flags) { try send(message, flags: $0) }
  }

  /// Sends a multipart message, every part but the last with `.sndMore`
  /// (the async form of `sendMultipart(_:flags:)`; `flags: .sndMore` sends
  /// the last part with it too). libzmq applies the high-water mark to
  /// whole messages, so the message is queued whole or, when the call
  /// throws first (cancellation included), not at all. Throws
  /// ``MessageError/emptyMultipart`` for no parts; otherwise see
  /// ``sendAsync(flags:)``.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendMultipartAsync<Parts: Collection>(_ parts: Parts, flags: SendFlags = []) async throws -> Int
  where Parts.Element: MessagePart {
    try await sendUntilReady(flags) { try sendMultipart(parts, flags: $0) }
  }

  /// Sends a multipart message whose parts have different types, e.g.
  /// `[identity, "", payload] as [any MessagePart]`; otherwise as the
  /// overload for parts of one type.
  @discardableResult
  @inlinable
  nonisolated(nonsending)
    public func sendMultipartAsync<Parts: Collection>(_ parts: Parts, flags: SendFlags = []) async throws -> Int
  where Parts.Element == any MessagePart {
    try await sendUntilReady(flags) { try sendMultipart(parts, flags: $0) }
  }
}
