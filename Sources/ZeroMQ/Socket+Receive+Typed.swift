#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

// Receives that name the type they produce. `receive(_:)` waits for a
// message and never returns an optional: it either returns the value or
// throws (`ZMQError.eagain` when `.rcvtimeo` expires). `tryReceive(_:)` does
// not wait, and `nil` means "nothing was queued". The `recv…(flags:)` calls
// stay as they are, with their optional results.

extension Socket {
  /// Unwraps the result of a blocking receive, which is only `nil` when
  /// `.dontWait` was given, so never here.
  @inline(__always)
  private func received<T>(_ value: T?) throws(ZMQError) -> T {
    guard let value else { throw .eagain }
    return value
  }

  /// Waits for one message part and returns its bytes.
  ///
  /// ```swift
  /// let bytes = try socket.receive([UInt8].self)
  /// ```
  ///
  /// - Throws: ``ZMQError/eagain`` when `.rcvtimeo` expired, and the other
  ///   errors of ``recv(flags:)``.
  public func receive(_: [UInt8].Type) throws -> [UInt8] { try received(recv()) }

  /// Waits for one message part and returns it as text, decoded as
  /// ``recvString(flags:)`` does.
  ///
  /// ```swift
  /// let text = try socket.receive(String.self)
  /// ```
  public func receive(_: String.Type) throws -> String { try received(recvString()) }

  /// Waits for one message part of exactly 4 bytes and returns it as a
  /// little-endian integer, as ``recvInt(flags:)`` does.
  ///
  /// - Throws: ``MessageSizeError`` for any other size, and the errors of
  ///   ``recv(flags:)``.
  public func receive(_: Int32.Type) throws -> Int32 { try received(recvInt()) }

  /// Waits for one message part of exactly 8 bytes and returns it as a
  /// little-endian integer, as ``recvInt64(flags:)`` does.
  public func receive(_: Int64.Type) throws -> Int64 { try received(recvInt64()) }

  /// Waits for one message part and returns its bytes as `Data`.
  public func receive(_: Data.Type) throws -> Data {
    try received(withReceivedPart(flags: []) { Data($0) })
  }

  /// Waits for one message part and returns it as a ``Message``, without
  /// copying its bytes.
  public func receive(_: Message.Type) throws -> Message { try received(recvMessage()) }

  /// Waits for a whole multipart message and returns its parts' bytes.
  public func receive(_: [[UInt8]].Type) throws -> [[UInt8]] { try received(recvMultipart()) }

  /// Waits for a whole multipart message and returns its parts as
  /// ``Message`` values.
  public func receive(_: [Message].Type) throws -> [Message] { try received(recvMultipartMessages()) }

  /// Returns the bytes of the message part that is waiting, or `nil` when
  /// none is: never waits.
  ///
  /// ```swift
  /// while let bytes = try socket.tryReceive([UInt8].self) { handle(bytes) }
  /// ```
  public func tryReceive(_: [UInt8].Type) throws -> [UInt8]? { try recv(flags: .dontWait) }

  /// Returns the waiting message part as text, or `nil` when none is
  /// waiting.
  public func tryReceive(_: String.Type) throws -> String? { try recvString(flags: .dontWait) }

  /// Returns the waiting 4-byte message part as an integer, or `nil` when
  /// none is waiting.
  public func tryReceive(_: Int32.Type) throws -> Int32? { try recvInt(flags: .dontWait) }

  /// Returns the waiting 8-byte message part as an integer, or `nil` when
  /// none is waiting.
  public func tryReceive(_: Int64.Type) throws -> Int64? { try recvInt64(flags: .dontWait) }

  /// Returns the waiting message part as `Data`, or `nil` when none is
  /// waiting.
  public func tryReceive(_: Data.Type) throws -> Data? { try withReceivedPart(flags: .dontWait) { Data($0) } }

  /// Returns the waiting message part as a ``Message``, or `nil` when none
  /// is waiting.
  public func tryReceive(_: Message.Type) throws -> Message? { try recvMessage(flags: .dontWait) }

  /// Returns the parts of the waiting multipart message, or `nil` when none
  /// is waiting.
  public func tryReceive(_: [[UInt8]].Type) throws -> [[UInt8]]? { try recvMultipart(flags: .dontWait) }

  /// Returns the parts of the waiting multipart message as ``Message``
  /// values, or `nil` when none is waiting.
  public func tryReceive(_: [Message].Type) throws -> [Message]? { try recvMultipartMessages(flags: .dontWait) }
}
