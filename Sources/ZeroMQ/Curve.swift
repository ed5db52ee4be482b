#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
  ///   libzmq was built without CURVE.
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
      let result = secretKey.withCString { zmq_curve_public(publicKey, $0) }
      try CallFunnel.check(result)
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

// MARK: - Certificate files

/// A certificate file that cannot be read or does not hold a valid key.
///
/// The description names the file and line but never quotes the file's
/// content, which may include a secret key.
public struct CurveCertificateError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file, when the text came from one.
  public var path: String?
  /// The 1-based line the problem is on, when it is on one line.
  public var line: Int?
  /// What is wrong.
  public var problem: String

  /// An error about `problem`, found in `path` at `line`.
  public init(path: String? = nil, line: Int? = nil, problem: String) {
    self.path = path
    self.line = line
    self.problem = problem
  }

  /// `path:line: problem`, leaving out what is unknown.
  public var description: String {
    var location = path ?? ""
    if let line { location += location.isEmpty ? "line \(line)" : ":\(line)" }
    return location.isEmpty ? problem : "\(location): \(problem)"
  }
}

/// A CURVE certificate: a public key, optionally its secret key, and
/// metadata, in the text format czmq uses for key files (ZPL, ZeroMQ's
/// property language).
///
/// A public certificate file, as read by ``parse(_:)`` and written by
/// ``encoded(includingSecretKey:)``, looks like this:
///
/// ```text
/// # A CURVE public certificate
/// metadata
///     name = "worker-1"
/// curve
///     public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
/// ```
///
/// A secret certificate adds `secret-key = "…"` in the `curve` section.
/// ``publicKeys(inDirectory:)`` reads every `*.key` file of a directory,
/// the way ``Authenticator/configureCurve(keyDirectory:)`` uses it.
public struct CurveCertificate: Hashable, Sendable, CustomStringConvertible {
  /// The public key.
  public var publicKey: CurvePublicKey
  /// The secret key, for certificates that carry one.
  public var secretKey: CurveSecretKey?
  /// Metadata entries (`name`, `email`, …), by name.
  public var metadata: [String: String]

  /// A certificate for a public key and, optionally, its secret key.
  public init(publicKey: CurvePublicKey, secretKey: CurveSecretKey? = nil, metadata: [String: String] = [:]) {
    self.publicKey = publicKey
    self.secretKey = secretKey
    self.metadata = metadata
  }

  /// A certificate for both keys of a pair.
  public init(keyPair: CurveKeyPair, metadata: [String: String] = [:]) {
    self.init(publicKey: keyPair.publicKey, secretKey: keyPair.secretKey, metadata: metadata)
  }

  /// The public key and metadata; the secret key only as `<redacted>`.
  public var description: String {
    let names = metadata.keys.sorted().map { "\($0): \(String(reflecting: metadata[$0]!))" }
    let secret = secretKey == nil ? "" : ", secretKey: <redacted>"
    return "CurveCertificate(publicKey: \(publicKey.z85)\(secret), metadata: [\(names.joined(separator: ", "))])"
  }

  /// Reads a certificate from ZPL text. Comment lines (`#`) and blank lines
  /// are skipped; `curve/public-key` is required, `curve/secret-key` and
  /// the entries of `metadata` are optional, anything else is ignored.
  /// Values may be bare or in double or single quotes.
  ///
  /// - Throws: ``CurveCertificateError`` naming the line of a malformed
  ///   entry or key, or saying that the public key is missing.
  public static func parse(_ text: String) throws(CurveCertificateError) -> CurveCertificate {
    var section = ""
    var publicText: (String, Int)?
    var secretText: (String, Int)?
    var metadata: [String: String] = [:]
    var number = 0
    // "\r\n" is one Character in Swift, so it is a separator of its own.
    let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    for line in lines {
      number += 1
      let content = line.drop { $0 == " " || $0 == "\t" }
      if content.isEmpty || content.first == "#" { continue }
      let indented = content.startIndex != line.startIndex
      guard let equals = content.firstIndex(of: "=") else {
        // A section name; nested sections keep the top-level one.
        if !indented { section = String(content.trimmingTrailingSpaces()) }
        continue
      }
      let name = String(content[..<equals].trimmingTrailingSpaces())
      guard !name.isEmpty else {
        throw CurveCertificateError(line: number, problem: "an entry has no name before \"=\"")
      }
      guard let value = unquote(content[content.index(after: equals)...]) else {
        throw CurveCertificateError(line: number, problem: "the value of \"\(name)\" has an unterminated quote")
      }
      switch (section, name) {
      case ("curve", "public-key"): publicText = (value, number)
      case ("curve", "secret-key"): secretText = (value, number)
      case ("metadata", _): metadata[name] = value
      default: break
      }
    }
    guard let (publicValue, publicLine) = publicText else {
      throw CurveCertificateError(problem: "no \"public-key\" entry in a \"curve\" section")
    }
    let publicKey: CurvePublicKey
    do {
      publicKey = try CurvePublicKey(z85: publicValue)
    } catch {
      throw CurveCertificateError(line: publicLine, problem: "public-key: \(error)")
    }
    var secretKey: CurveSecretKey?
    if let (secretValue, secretLine) = secretText {
      do {
        secretKey = try CurveSecretKey(z85: secretValue)
      } catch {
        throw CurveCertificateError(line: secretLine, problem: "secret-key: \(error)")
      }
    }
    return CurveCertificate(publicKey: publicKey, secretKey: secretKey, metadata: metadata)
  }

  /// The value after `=`: trimmed, and unquoted when quoted; `nil` for an
  /// opening quote without its closing one.
  private static func unquote(_ raw: Substring) -> String? {
    let value = raw.drop { $0 == " " || $0 == "\t" }.trimmingTrailingSpaces()
    guard let quote = value.first, quote == "\"" || quote == "'" else { return String(value) }
    let rest = value.dropFirst()
    guard let end = rest.firstIndex(of: quote) else { return nil }
    return String(rest[..<end])
  }

  /// Reads the certificate in a file.
  ///
  /// - Throws: ``CurveCertificateError`` naming the file when it cannot be
  ///   read or is not a valid certificate.
  public static func load(path: String) throws(CurveCertificateError) -> CurveCertificate {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CurveCertificateError(path: path, problem: "cannot be read")
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw CurveCertificateError(path: path, problem: "is not UTF-8 text")
    }
    do {
      return try parse(text)
    } catch {
      var located = error
      located.path = path
      throw located
    }
  }

  /// The public keys of every public certificate in a directory: the
  /// regular files whose names end in `.key` (secret certificates, named
  /// `*.key_secret` by convention, and other files are skipped).
  ///
  /// - Throws: ``CurveCertificateError`` when the directory cannot be
  ///   listed or one of the files is not a valid certificate (one bad file
  ///   fails the whole load, so that a typo does not lock out a client
  ///   silently).
  public static func publicKeys(inDirectory directory: String) throws(CurveCertificateError) -> [CurvePublicKey] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw CurveCertificateError(path: directory, problem: "is not a directory that can be listed")
    }
    var keys: [CurvePublicKey] = []
    for name in names.sorted() where name.hasSuffix(".key") {
      let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
      let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
      guard type == .typeRegular else { continue }
      keys.append(try load(path: path).publicKey)
    }
    return keys
  }

  /// The certificate as ZPL text. Without `includingSecretKey`, only the
  /// public key and metadata are written (what peers may see).
  public func encoded(includingSecretKey: Bool = false) -> String {
    let secret = includingSecretKey ? secretKey : nil
    var text = secret == nil ? "# A CURVE public certificate\n" : "# A CURVE secret certificate: keep this file private\n"
    text += "metadata\n"
    for name in metadata.keys.sorted() {
      text += "    \(name) = \"\(metadata[name]!)\"\n"
    }
    text += "curve\n"
    text += "    public-key = \"\(publicKey.z85)\"\n"
    if let secret {
      text += "    secret-key = \"\(secret.z85)\"\n"
    }
    return text
  }

  /// Writes ``encoded(includingSecretKey:)`` to a file, replacing it. A file
  /// with the secret key is readable by its owner only (mode 0600).
  ///
  /// - Throws: ``CurveCertificateError`` naming the file when it cannot be
  ///   written.
  public func write(to path: String, includingSecretKey: Bool = false) throws(CurveCertificateError) {
    let secret = includingSecretKey && secretKey != nil
    let attributes: [FileAttributeKey: Any] = [.posixPermissions: secret ? 0o600 : 0o644]
    guard FileManager.default.createFile(
      atPath: path, contents: Data(encoded(includingSecretKey: includingSecretKey).utf8), attributes: attributes)
    else {
      throw CurveCertificateError(path: path, problem: "cannot be written")
    }
  }
}

extension Substring {
  /// The substring without trailing spaces and tabs.
  fileprivate func trimmingTrailingSpaces() -> Substring {
    var end = endIndex
    while end > startIndex, self[index(before: end)] == " " || self[index(before: end)] == "\t" {
      end = index(before: end)
    }
    return self[startIndex..<end]
  }
}
