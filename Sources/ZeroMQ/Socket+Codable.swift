#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Turns `Encodable` values into the bytes of a message for
/// ``Socket/send(encoding:using:flags:)``.
///
/// `JSONEncoder` and `PropertyListEncoder` conform; conform your own coder
/// (MessagePack, CBOR, a fixed binary layout) by implementing this one
/// method.
public protocol MessageEncoder {
  /// The bytes that represent `value`.
  func encode<T: Encodable>(_ value: T) throws -> Data
}

/// Turns the bytes of a message back into a `Decodable` value for
/// ``Socket/recv(decoding:using:flags:)``.
///
/// `JSONDecoder` and `PropertyListDecoder` conform.
public protocol MessageDecoder {
  /// The value of type `type` that `data` represents.
  func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T
}

extension JSONEncoder: MessageEncoder {}
extension JSONDecoder: MessageDecoder {}
extension PropertyListEncoder: MessageEncoder {}
extension PropertyListDecoder: MessageDecoder {}

/// A message arrived that the decoder could not turn into the requested
/// type. The message has been consumed (all of its parts, for the multipart
/// calls); the socket is ready for the next one.
///
/// The description names the type, the size and the start of what arrived,
/// and the decoder's own explanation:
/// `cannot decode Order from a 9-byte message "not json": …`.
public struct MessageDecodingError: Error, CustomStringConvertible {
  /// The longest prefix of a message kept in ``prefix``.
  public static let previewLimit = 64

  /// The name of the type that was asked for.
  public let type: String
  /// The index of the failing part in a multipart message, `nil` for a
  /// single-part receive.
  public let part: Int?
  /// The size of the message (or part) that arrived, in bytes.
  public let size: Int
  /// Its first bytes, at most ``previewLimit`` of them.
  public let prefix: [UInt8]
  /// What the decoder threw.
  public let underlying: any Error

  /// Describes a message that could not be decoded.
  public init(type: String, part: Int?, size: Int, prefix: [UInt8], underlying: any Error) {
    self.type = type
    self.part = part
    self.size = size
    self.prefix = Array(prefix.prefix(Self.previewLimit))
    self.underlying = underlying
  }

  /// The start of the message: quoted text when it is printable UTF-8,
  /// otherwise hexadecimal bytes; `…` marks a cut.
  public var preview: String {
    let cut = size > prefix.count ? "…" : ""
    if let text = String(validating: prefix, as: UTF8.self),
      text.unicodeScalars.allSatisfy({ !$0.properties.generalCategory.isControl || $0 == "\n" || $0 == "\t" })
    {
      let escaped = text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        .replacing("\n", with: "\\n").replacing("\t", with: "\\t")
      return "\"\(escaped)\(cut)\""
    }
    let hex = prefix.map { byte in
      let digits = String(byte, radix: 16)
      return digits.count == 1 ? "0" + digits : digits
    }
    return "<" + hex.joined(separator: " ") + (cut.isEmpty ? "" : " …") + ">"
  }

  /// For example `cannot decode Order from a 9-byte message "not json": …`.
  public var description: String {
    let what = part.map { "part \($0) of a multipart message" } ?? "a message"
    let bytes = "\(size) byte\(size == 1 ? "" : "s")"
    return "cannot decode \(type) from \(what) (\(bytes)) \(preview): \(underlying)"
  }
}

extension Unicode.GeneralCategory {
  fileprivate var isControl: Bool {
    switch self {
    case .control, .format, .surrogate, .privateUse, .unassigned: true
    default: false
    }
  }
}

extension MessageDecoder {
  /// Decodes one message or part, wrapping the decoder's error with what
  /// arrived.
  func decodeMessage<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer, part: Int?) throws -> T {
    let data = Data(bytes)
    do {
      return try decode(type, from: data)
    } catch {
      throw MessageDecodingError(
        type: String(describing: type), part: part, size: bytes.count,
        prefix: Array(bytes.prefix(MessageDecodingError.previewLimit)), underlying: error)
    }
  }
}

// Codable messages: one value is one message part, encoded by a
// `MessageEncoder` (JSON unless said otherwise), so peers in other languages
// that send and receive JSON text (pyzmq's `send_json`/`recv_json`) are
// understood.

extension Socket {
  /// Sends `value`, encoded as JSON (or by `encoder`), as one message part.
  ///
  /// ```swift
  /// struct Order: Codable { var item: String; var quantity: Int }
  /// try socket.send(encoding: Order(item: "tea", quantity: 2))
  /// ```
  ///
  /// - Parameters:
  ///   - value: the value to send.
  ///   - encoder: how to turn it into bytes; a `JSONEncoder` with default
  ///     settings unless given.
  ///   - flags: as for ``send(_:flags:)-([UInt8],_)``: `.dontWait`,
  ///     `.sndMore`.
  /// - Returns: the bytes sent, `nil` when `.dontWait` was given and the
  ///   message could not be queued.
  /// - Throws: what the encoder throws (nothing is sent then), and the
  ///   errors of sending.
  @discardableResult
  public func send<T: Encodable>(
    encoding value: T, using encoder: some MessageEncoder = JSONEncoder(), flags: SendFlags = []
  )
    throws -> Int?
  {
    let data = try encoder.encode(value)
    return try send(data, flags: flags)
  }

  /// Receives one message part and decodes it as `type` from JSON (or with
  /// `decoder`).
  ///
  /// ```swift
  /// if let order = try socket.recv(decoding: Order.self) { … }
  /// ```
  ///
  /// - Parameters:
  ///   - type: the type to decode.
  ///   - decoder: how to read the bytes; a `JSONDecoder` with default
  ///     settings unless given.
  ///   - flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the value, or `nil` when `.dontWait` was given and no
  ///   message was waiting.
  /// - Throws: ``MessageDecodingError`` when the message is not a `type`
  ///   (the message is consumed and the socket stays usable), and the
  ///   errors of ``recv(flags:)``.
  public func recv<T: Decodable>(
    decoding type: T.Type, using decoder: some MessageDecoder = JSONDecoder(), flags: RecvFlags = []
  )
    throws -> T?
  {
    try withReceivedPart(flags: flags) { bytes in try decoder.decodeMessage(type, from: bytes, part: nil) }
  }

  /// Receives one message part and decodes it, waiting for one to arrive:
  /// the form of ``recv(decoding:using:flags:)`` whose result is not
  /// optional.
  ///
  /// - Throws: ``ZMQError/eagain`` when `.rcvtimeo` expired, and the errors
  ///   of ``recv(decoding:using:flags:)``.
  public func receive<T: Decodable>(decoding type: T.Type, using decoder: some MessageDecoder = JSONDecoder()) throws
    -> T
  {
    guard let value = try recv(decoding: type, using: decoder) else { throw ZMQError.eagain }
    return value
  }

  /// Receives and decodes one message part if one is waiting, without
  /// waiting: `nil` when nothing was queued.
  public func tryReceive<T: Decodable>(decoding type: T.Type, using decoder: some MessageDecoder = JSONDecoder()) throws
    -> T?
  {
    try recv(decoding: type, using: decoder, flags: .dontWait)
  }

  /// Sends every value of `values`, each encoded as JSON (or by `encoder`),
  /// as the parts of one multipart message.
  ///
  /// Every value is encoded before anything is sent, so an encoding
  /// failure sends nothing.
  ///
  /// - Returns: the bytes sent in all parts, `nil` when `.dontWait` was
  ///   given and the message could not be queued.
  /// - Throws: ``MessageError/emptyMultipart`` for no values, what the
  ///   encoder throws, and the errors of sending.
  @discardableResult
  public func sendMultipart<Values: Sequence>(
    encoding values: Values, using encoder: some MessageEncoder = JSONEncoder(), flags: SendFlags = []
  ) throws -> Int? where Values.Element: Encodable {
    let parts = try values.map { try encoder.encode($0) }
    return try sendMultipart(parts, flags: flags)
  }

  /// Receives all parts of one message and decodes each as `type`.
  ///
  /// - Returns: the values in order, or `nil` when `.dontWait` was given
  ///   and no message was waiting.
  /// - Throws: ``MessageDecodingError`` naming the first part that is not
  ///   a `type` (the whole message is consumed), and the errors of
  ///   ``recvMultipart(flags:)``.
  public func recvMultipart<T: Decodable>(
    decoding type: T.Type, using decoder: some MessageDecoder = JSONDecoder(), flags: RecvFlags = []
  ) throws -> [T]? {
    guard let parts = try recvMultipart(flags: flags) else { return nil }
    return try decodeParts(parts, as: type, using: decoder)
  }

  func decodeParts<T: Decodable>(_ parts: [[UInt8]], as type: T.Type, using decoder: some MessageDecoder) throws -> [T]
  {
    try parts.enumerated().map { index, part in
      try part.withUnsafeBytes { try decoder.decodeMessage(type, from: $0, part: index) }
    }
  }
}

// The async forms, on the socket's async machinery: they suspend the task
// instead of blocking a thread.

extension Socket {
  /// Sends `value`, encoded as JSON (or by `encoder`), as one message part,
  /// suspending while the socket cannot queue it.
  ///
  /// - Parameters:
  ///   - value: the value to send.
  ///   - encoder: how to turn it into bytes; a `JSONEncoder` with default
  ///     settings unless given.
  ///   - flags: `.sndMore` when more parts of the same message follow;
  ///     other flags are ignored.
  /// - Returns: the bytes sent.
  /// - Throws: what the encoder throws (nothing is sent then), and the
  ///   errors of the other async sends.
  @discardableResult
  nonisolated(nonsending)
    public func sendAsync<T: Encodable>(
      encoding value: T, using encoder: some MessageEncoder = JSONEncoder(), flags: SendFlags = []
    ) async throws -> Int
  {
    let data = try encoder.encode(value)
    return try await sendAsync(data, flags: flags)
  }

  /// Receives one message part and decodes it as `type`, suspending until
  /// one arrives.
  ///
  /// - Throws: ``MessageDecodingError`` when the message is not a `type`
  ///   (it is consumed; the socket stays usable), `CancellationError`, and
  ///   the errors of the other async receives.
  nonisolated(nonsending)
    public func recvAsync<T: Decodable>(decoding type: T.Type, using decoder: some MessageDecoder = JSONDecoder())
    async throws
    -> T
  {
    let message = try await recvMessageAsync()
    return try message.withUnsafeBytes { bytes in try decoder.decodeMessage(type, from: bytes, part: nil) }
  }

  /// Sends every value of `values`, each encoded, as the parts of one
  /// multipart message, suspending while the socket cannot queue it.
  ///
  /// - Throws: ``MessageError/emptyMultipart`` for no values, what the
  ///   encoder throws (nothing is sent then), and the errors of the other
  ///   async sends.
  @discardableResult
  nonisolated(nonsending)
    public func sendMultipartAsync<Values: Sequence>(
      encoding values: Values, using encoder: some MessageEncoder = JSONEncoder(), flags: SendFlags = []
    ) async throws -> Int where Values.Element: Encodable
  {
    let parts = try values.map { try encoder.encode($0) }
    return try await sendMultipartAsync(parts, flags: flags)
  }

  /// Receives all parts of one message and decodes each as `type`,
  /// suspending until a message arrives.
  ///
  /// - Throws: ``MessageDecodingError`` naming the first part that is not
  ///   a `type` (the whole message is consumed), and the errors of the
  ///   other async receives.
  nonisolated(nonsending)
    public func recvMultipartAsync<T: Decodable>(
      decoding type: T.Type, using decoder: some MessageDecoder = JSONDecoder()
    ) async throws -> [T]
  {
    let parts = try await recvMultipartAsync()
    return try decodeParts(parts, as: type, using: decoder)
  }
}
