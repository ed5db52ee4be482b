// The Foundation side of the API: `Data` and `ContiguousBytes` wherever the
// runtime takes or gives bytes. Only this file imports Foundation publicly;
// FoundationEssentials, where the toolchain has it, keeps all of Foundation
// (and ICU) out of every client.

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension Message {
  /// Creates a message holding a copy of any contiguous bytes: `Data`,
  /// `ArraySlice<UInt8>`, `ContiguousArray<UInt8>`, raw buffers, ….
  ///
  /// - Throws: ``ZMQError/enomem`` when the memory cannot be allocated.
  public convenience init<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
    try self.init { raw in
      try bytes.withUnsafeBytes { buffer in try Message.initialize(raw, copying: buffer) }
    }
  }

  /// The message's bytes, copied into `Data`.
  public var data: Data {
    withUnsafeBytes { buffer in Data(buffer) }
  }
}

extension Data: MessagePart {
  /// The bytes of the data value.
  public func withUnsafeMessagePartBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBytes(body)
  }
}

extension Socket {
  /// Sends the bytes of a `Data` value as one message part.
  ///
  /// Returns and throws as ``send(flags:)`` does.
  @discardableResult
  public func send(_ data: Data, flags: SendFlags = []) throws -> Int? {
    try data.withUnsafeBytes { buffer in
      try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
    }
  }

  /// Sends any contiguous byte storage (`ArraySlice<UInt8>`,
  /// `ContiguousArray<UInt8>`, `UnsafeMutableRawBufferPointer`, …) as one
  /// message part.
  ///
  /// Returns and throws as ``send(flags:)`` does.
  @discardableResult
  public func send<Bytes: ContiguousBytes>(_ bytes: Bytes, flags: SendFlags = []) throws -> Int? {
    try bytes.withUnsafeBytes { buffer in
      try sendBuffer(buffer.baseAddress, buffer.count, flags: flags)
    }
  }
}

extension MonitorEvent {
  /// Decodes a monitor message as libzmq 4.x sends it (monitor protocol
  /// version 1): a first frame of 6 bytes — the event code as a 16-bit
  /// integer, then the value as a 32-bit integer, both in the host's byte
  /// order (little-endian on x86-64 and ARM64) — and a second frame holding
  /// the endpoint as text.
  ///
  /// This is a pure function of the two frames' bytes: the socket monitor
  /// uses it for every message, and it can be fed anything.
  ///
  /// - Throws: ``MonitorEventDecodingError`` when the first frame is not 6
  ///   bytes, the event code is zero, has several bits set or is not a
  ///   known event, or the endpoint is not valid UTF-8.
  public static func decode<First: ContiguousBytes, Second: ContiguousBytes>(
    first: First, second: Second
  ) throws(MonitorEventDecodingError) -> MonitorEvent {
    let result = first.withUnsafeBytes { first in
      second.withUnsafeBytes { second in
        Result { () throws(MonitorEventDecodingError) in try decode(first, second) }
      }
    }
    return try result.get()
  }
}
