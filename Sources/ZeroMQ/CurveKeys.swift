// CURVE keys as typed values: sizes and Z85 text validated once, at
// construction, and secret keys that never print themselves.

internal import CZeroMQ

/// A CURVE key of the wrong size or with text that is not Z85.
///
/// A CURVE key is exactly 32 bytes, or 40 characters of Z85 text. The
/// descriptions say what was wrong but never repeat any part of the key,
/// since it may be a secret one.
public enum CurveKeyError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A binary key that is not 32 bytes; carries the byte count given.
  case wrongByteCount(Int)
  /// A text key that is not 40 characters; carries the length given.
  case wrongTextLength(Int)
  /// A 40-character text key that is not valid Z85: a character outside
  /// the alphabet, or a group whose value exceeds 32 bits. Carries the
  /// offset of the first bad character (or group).
  case invalidZ85(offset: Int)

  /// Says what was wrong without showing the key.
  public var description: String {
    switch self {
    case .wrongByteCount(let count):
      "a CURVE key is 32 bytes, but \(count) byte\(count == 1 ? " was" : "s were") given"
    case .wrongTextLength(let length):
      "a CURVE key in Z85 text is 40 characters, but \(length) character\(length == 1 ? " was" : "s were") given"
    case .invalidZ85(let offset):
      "the Z85 text of a CURVE key is invalid at offset \(offset) (the key itself is not shown)"
    }
  }
}

/// Key-size validation shared by every entry point that takes a key.
enum CurveKeyValidation {
  static let byteCount = 32
  static let textLength = 40

  static func check(bytes: [UInt8]) throws(CurveKeyError) -> [UInt8] {
    guard bytes.count == byteCount else { throw .wrongByteCount(bytes.count) }
    return bytes
  }

  /// Decodes a 40-character Z85 key; errors never carry key characters.
  static func decode(z85 text: String) throws(CurveKeyError) -> [UInt8] {
    let length = text.count
    guard length == textLength else { throw .wrongTextLength(length) }
    do {
      return try Z85.decode(text)
    } catch {
      switch error {
      case .invalidCharacter(_, let offset), .groupOutOfRange(let offset): throw .invalidZ85(offset: offset)
      case .lengthNotMultipleOf5, .byteCountNotMultipleOf4: throw .wrongTextLength(length)
      }
    }
  }
}

/// A CURVE public key: 32 bytes, usually written as 40 characters of Z85.
///
/// Public keys are meant to be shared, so a public key prints as its Z85
/// text.
///
/// ```swift
/// let key = try CurvePublicKey(z85: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")
/// print(key.bytes.count)  // 32
/// ```
public struct CurvePublicKey: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
  /// The 32 bytes of the key.
  public let bytes: [UInt8]

  /// A key from its 32 bytes.
  ///
  /// - Throws: ``CurveKeyError/wrongByteCount(_:)`` for any other size.
  public init(bytes: [UInt8]) throws(CurveKeyError) {
    self.bytes = try CurveKeyValidation.check(bytes: bytes)
  }

  /// A key from its 40 characters of Z85 text.
  ///
  /// - Throws: ``CurveKeyError/wrongTextLength(_:)`` or
  ///   ``CurveKeyError/invalidZ85(offset:)``.
  public init(z85 text: String) throws(CurveKeyError) {
    bytes = try CurveKeyValidation.decode(z85: text)
  }

  /// The key as 40 characters of Z85 text.
  public var z85: String { Z85.encodeChecked(bytes) }

  /// The Z85 text of the key.
  public var description: String { z85 }

  /// `CurvePublicKey("…")` with the Z85 text of the key.
  public var debugDescription: String { "CurvePublicKey(\(String(reflecting: z85)))" }
}

/// A CURVE secret key: 32 bytes, usually written as 40 characters of Z85.
///
/// A secret key never shows itself: its `description`, `debugDescription`
/// and reflection (`dump`) print `CurveSecretKey(<redacted>)`, and errors
/// about keys never quote them. Read ``z85`` or ``bytes`` explicitly when
/// the key must be stored.
public struct CurveSecretKey: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// The 32 bytes of the key.
  public let bytes: [UInt8]

  /// A key from its 32 bytes.
  ///
  /// - Throws: ``CurveKeyError/wrongByteCount(_:)`` for any other size.
  public init(bytes: [UInt8]) throws(CurveKeyError) {
    self.bytes = try CurveKeyValidation.check(bytes: bytes)
  }

  /// A key from its 40 characters of Z85 text.
  ///
  /// - Throws: ``CurveKeyError/wrongTextLength(_:)`` or
  ///   ``CurveKeyError/invalidZ85(offset:)`` (neither shows the text).
  public init(z85 text: String) throws(CurveKeyError) {
    bytes = try CurveKeyValidation.decode(z85: text)
  }

  /// The key as 40 characters of Z85 text.
  public var z85: String { Z85.encodeChecked(bytes) }

  /// The public key that belongs to this secret key (`zmq_curve_public`).
  ///
  /// - Throws: ``ZMQError/enotsup`` when libzmq was built without CURVE.
  public var publicKey: CurvePublicKey {
    get throws {
      // The text is 40 valid Z85 characters by construction.
      let text = try ZMQ.derivePublicZ85(fromValidSecretZ85: z85)
      return try CurvePublicKey(z85: text)
    }
  }

  /// Always `CurveSecretKey(<redacted>)`.
  public var description: String { "CurveSecretKey(<redacted>)" }

  /// Always `CurveSecretKey(<redacted>)`.
  public var debugDescription: String { description }

  /// A reflection without children, so `dump` does not show the bytes.
  public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A CURVE key pair: a public key to give to peers and the secret key that
/// goes with it.
///
/// ```swift
/// let server = try CurveKeyPair.generate()
/// print(server)  // CurveKeyPair(publicKey: …, secretKey: <redacted>)
/// ```
public struct CurveKeyPair: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// The public key, for peers.
  public let publicKey: CurvePublicKey
  /// The secret key; never printed.
  public let secretKey: CurveSecretKey

  /// Generates a new random key pair (`zmq_curve_keypair`).
  ///
  /// - Throws: ``ZMQError/enotsup`` when libzmq was built without CURVE.
  public static func generate() throws -> CurveKeyPair {
    let (publicText, secretText) = try ZMQ.curveKeypair()
    return CurveKeyPair(publicKey: try CurvePublicKey(z85: publicText), secretKey: try CurveSecretKey(z85: secretText))
  }

  /// The pair of a secret key and the public key derived from it
  /// (`zmq_curve_public`).
  ///
  /// - Throws: ``ZMQError/enotsup`` when libzmq was built without CURVE.
  public init(secretKey: CurveSecretKey) throws {
    self.init(publicKey: try secretKey.publicKey, secretKey: secretKey)
  }

  private init(publicKey: CurvePublicKey, secretKey: CurveSecretKey) {
    self.publicKey = publicKey
    self.secretKey = secretKey
  }

  /// `CurveKeyPair(publicKey: <Z85>, secretKey: <redacted>)`.
  public var description: String { "CurveKeyPair(publicKey: \(publicKey.z85), secretKey: <redacted>)" }

  /// The same as ``description``.
  public var debugDescription: String { description }

  /// Shows the public key only.
  public var customMirror: Mirror {
    Mirror(self, children: ["publicKey": publicKey, "secretKey": "<redacted>"], displayStyle: .struct)
  }
}

extension ZMQ {
  /// Generates a new random CURVE key pair as two 40-character Z85 strings
  /// (`zmq_curve_keypair`). ``CurveKeyPair/generate()`` gives the same as
  /// typed keys.
  ///
  /// - Returns: the public key, to share, and the secret key, to keep.
  /// - Throws: ``ZMQError/enotsup`` when libzmq was built without CURVE
  ///   (see `ZMQ.has(.curve)`).
  public static func curveKeypair() throws -> (publicKey: String, secretKey: String) {
    try withUnsafeTemporaryAllocation(of: CChar.self, capacity: 82) { buffer throws(ZMQError) in
      buffer.initialize(repeating: 0)
      let publicKey = buffer.baseAddress!, secretKey = publicKey + 41
      try CallFunnel.check(zmq_curve_keypair(publicKey, secretKey))
      return (String(cString: publicKey), String(cString: secretKey))
    }
  }

  /// Derives the public key of a secret key, both as 40-character Z85
  /// strings (`zmq_curve_public`).
  ///
  /// The secret key is validated before libzmq sees it.
  ///
  /// - Throws: ``CurveKeyError`` when `secretKey` is not 40 characters of
  ///   Z85 (the error does not show the key); ``ZMQError/enotsup`` when
  ///   libzmq was built without CURVE, or when its `zmq.h` has no
  ///   `zmq_curve_public` (``ZMQError/unavailable`` names it).
  public static func curvePublic(secretKey: String) throws -> String {
    _ = try CurveKeyValidation.decode(z85: secretKey)
    return try derivePublicZ85(fromValidSecretZ85: secretKey)
  }

  /// `zmq_curve_public` for a secret key already checked to be 40 Z85
  /// characters (so libzmq reads exactly 40 bytes plus the NUL).
  static func derivePublicZ85(fromValidSecretZ85 secretKey: String) throws(ZMQError) -> String {
    try withUnsafeTemporaryAllocation(of: CChar.self, capacity: 41) { buffer throws(ZMQError) in
      buffer.initialize(repeating: 0)
      let publicKey = buffer.baseAddress!
      // Through the availability shim: libzmq before 4.2.1 has no zmq_curve_public.
      try CallFunnel.check(try CShim.zmq_curve_public(publicKey, secretKey))
      return String(cString: publicKey)
    }
  }
}

extension Socket {
  /// Makes this socket a CURVE server with the given keys: sets
  /// `.curveServer`, `.curvePublickey` and `.curveSecretkey`. Do it before
  /// `bind` or `connect`; connections made earlier keep their mechanism.
  ///
  /// Clients must know ``CurveKeyPair/publicKey``. Which clients are let in
  /// is decided by a ZAP handler such as ``Authenticator``; without one,
  /// libzmq accepts every client that knows the server key.
  ///
  /// - Throws: ``ZMQError/einval`` when libzmq was built without CURVE, and
  ///   the errors of setting an option.
  public func configureCurveServer(keyPair: CurveKeyPair) throws {
    try set(.curveServer, true)
    try set(.curvePublickey, keyPair.publicKey.bytes)
    try set(.curveSecretkey, keyPair.secretKey.bytes)
  }

  /// Makes this socket a CURVE client of the server whose public key is
  /// `serverKey`, authenticating with `keyPair`: sets `.curveServerkey`,
  /// `.curvePublickey` and `.curveSecretkey`. Do it before `connect`.
  ///
  /// - Throws: ``ZMQError/einval`` when libzmq was built without CURVE, and
  ///   the errors of setting an option.
  public func configureCurveClient(keyPair: CurveKeyPair, serverKey: CurvePublicKey) throws {
    try set(.curveServerkey, serverKey.bytes)
    try set(.curvePublickey, keyPair.publicKey.bytes)
    try set(.curveSecretkey, keyPair.secretKey.bytes)
  }
}
