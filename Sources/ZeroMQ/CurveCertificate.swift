// CURVE certificate files: keys and metadata in the text format czmq
// writes (ZPL), read from and written to the file system.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
    var text =
      secret == nil ? "# A CURVE public certificate\n" : "# A CURVE secret certificate: keep this file private\n"
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
    guard
      FileManager.default.createFile(
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
