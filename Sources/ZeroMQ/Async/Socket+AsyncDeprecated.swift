// Data and ContiguousBytes (see Socket+AsyncSend.swift).
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

// The async names before they mirrored the synchronous ones. They forward,
// so code written against them still compiles, with a fix-it.

extension Socket {
  @available(*, deprecated, renamed: "recvAsync()")
  nonisolated(nonsending) public func receive() async throws -> [UInt8] { try await recvAsync() }

  @available(*, deprecated, renamed: "recvStringAsync()")
  nonisolated(nonsending) public func receiveString() async throws -> String { try await recvStringAsync() }

  @available(*, deprecated, renamed: "recvIntAsync()")
  nonisolated(nonsending) public func receiveInt() async throws -> Int32 { try await recvIntAsync() }

  @available(*, deprecated, renamed: "recvInt64Async()")
  nonisolated(nonsending) public func receiveInt64() async throws -> Int64 { try await recvInt64Async() }

  @available(*, deprecated, renamed: "recvMessageAsync()")
  nonisolated(nonsending) public func receiveMessage() async throws -> Message { try await recvMessageAsync() }

  @available(*, deprecated, renamed: "recvMultipartAsync()")
  nonisolated(nonsending) public func receiveMultipart() async throws -> [[UInt8]] { try await recvMultipartAsync() }

  @available(*, deprecated, renamed: "recvMultipartMessagesAsync()")
  nonisolated(nonsending) public func receiveMultipartMessages() async throws -> [Message] {
    try await recvMultipartMessagesAsync()
  }

  private static func flags(more: Bool) -> SendFlags { more ? .sndMore : [] }

  @available(*, deprecated, renamed: "sendAsync(flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(more: Bool) async throws -> Int {
    try await sendAsync(flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(_ bytes: [UInt8], more: Bool) async throws -> Int {
    try await sendAsync(bytes, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync<Bytes: ContiguousBytes>(_ bytes: Bytes, more: Bool) async throws -> Int
  {
    try await sendAsync(bytes, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(_ string: String, more: Bool) async throws -> Int {
    try await sendAsync(string, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(_ value: Int32, more: Bool) async throws -> Int {
    try await sendAsync(value, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(_ value: Int64, more: Bool) async throws -> Int {
    try await sendAsync(value, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(_ value: Bool, more: Bool) async throws -> Int {
    try await sendAsync(value, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendAsync(_ message: Message, more: Bool) async throws -> Int {
    try await sendAsync(message, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendMultipartAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendMultipartAsync<Parts: Collection>(_ parts: Parts, more: Bool) async throws
    -> Int
  where Parts.Element: MessagePart {
    try await sendMultipartAsync(parts, flags: Self.flags(more: more))
  }

  @available(*, deprecated, renamed: "sendMultipartAsync(_:flags:)", message: "pass flags: .sndMore for more: true")
  @discardableResult
  nonisolated(nonsending) public func sendMultipartAsync<Parts: Collection>(_ parts: Parts, more: Bool) async throws
    -> Int
  where Parts.Element == any MessagePart {
    try await sendMultipartAsync(parts, flags: Self.flags(more: more))
  }
}
