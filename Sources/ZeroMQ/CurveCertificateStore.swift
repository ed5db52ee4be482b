// A directory of public CURVE certificates kept in memory, safe to share
// between the application and an authenticator's thread.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A directory of public CURVE certificate files (the format
/// ``CurveCertificate`` reads and writes), held in memory for lookups by
/// public key.
///
/// ``insert(_:fileName:)`` writes a file and ``remove(_:)`` deletes it;
/// ``reload()`` reads the directory again, for files another process added
/// or removed. Every `*.key` regular file is a certificate; other files
/// (secret certificates, `*.key_secret` by convention) are ignored.
///
/// The store is `Sendable`: one thread may insert while an
/// ``Authenticator``'s thread looks keys up
/// (``ZAPPolicy/CurveCheck/store(_:)``). Secret keys are never written to
/// the directory nor kept.
public final class CurveCertificateStore: Sendable, CustomStringConvertible {
  /// The directory of the certificate files.
  public let directory: String

  /// The certificates by key, and the files each came from.
  private let state = Mutex(State())

  private struct State {
    var certificates: [CurvePublicKey: CurveCertificate] = [:]
    var files: [CurvePublicKey: [String]] = [:]
  }

  /// Opens a directory of certificates and reads it.
  ///
  /// - Parameters:
  ///   - directory: the directory's path.
  ///   - create: create the directory (and its parents) when it does not
  ///     exist.
  /// - Throws: ``CurveCertificateError`` naming the directory when it
  ///   cannot be created or listed, or naming the first file that cannot be
  ///   read or is not a certificate.
  public init(directory: String, create: Bool = true) throws(CurveCertificateError) {
    self.directory = directory
    if create, !FileManager.default.fileExists(atPath: directory) {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw CurveCertificateError(path: directory, problem: "cannot be created")
      }
    }
    try reload()
  }

  /// Reads the directory again, replacing what the store holds. When a
  /// key is in several files, the first file by name gives its
  /// certificate.
  ///
  /// - Throws: ``CurveCertificateError`` naming the directory or the first
  ///   bad file; the store then keeps what it held (one bad file does not
  ///   empty it).
  public func reload() throws(CurveCertificateError) {
    let loaded = try Self.read(directory)
    state.withLock { $0 = loaded }
  }

  /// The certificate with this public key, if the store has one.
  public func certificate(for key: CurvePublicKey) -> CurveCertificate? {
    state.withLock { $0.certificates[key] }
  }

  /// Whether the store has a certificate with this public key.
  public func contains(_ key: CurvePublicKey) -> Bool {
    state.withLock { $0.certificates[key] != nil }
  }

  /// Every certificate, ordered by the Z85 text of its key.
  public var certificates: [CurveCertificate] {
    state.withLock { $0.certificates.values.sorted { $0.publicKey.z85 < $1.publicKey.z85 } }
  }

  /// Every public key, ordered by Z85 text.
  public var publicKeys: [CurvePublicKey] {
    state.withLock { $0.certificates.keys.sorted { $0.z85 < $1.z85 } }
  }

  /// The number of certificates.
  public var count: Int { state.withLock { $0.certificates.count } }

  /// Writes a certificate's public part to a file of the directory and
  /// adds it to the store (replacing one with the same key).
  ///
  /// - Parameters:
  ///   - certificate: the certificate; its secret key, if any, is neither
  ///     written nor kept.
  ///   - fileName: the file's name in the directory, given `.key` at the
  ///     end when it lacks it; by default the key's bytes in hexadecimal.
  /// - Returns: the path written.
  /// - Throws: ``CurveCertificateError`` naming the file when the name is
  ///   not a plain file name or the file cannot be written; nothing
  ///   changes then.
  @discardableResult
  public func insert(_ certificate: CurveCertificate, fileName: String? = nil) throws(CurveCertificateError) -> String {
    var name =
      fileName
      ?? certificate.publicKey.bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
      }.joined()
    if !name.hasSuffix(".key") { name += ".key" }
    guard !name.contains("/"), name != ".key", !name.hasPrefix(".") else {
      throw CurveCertificateError(path: fileName, problem: "is not a plain file name for a certificate")
    }
    let path = Self.join(directory, name)
    let stored = CurveCertificate(publicKey: certificate.publicKey, metadata: certificate.metadata)
    try stored.write(to: path, includingSecretKey: false)
    state.withLock { state in
      state.certificates[stored.publicKey] = stored
      var files = state.files[stored.publicKey] ?? []
      if !files.contains(path) { files.append(path) }
      state.files[stored.publicKey] = files
    }
    return path
  }

  /// Deletes the files of the certificate with this key and drops it from
  /// the store.
  ///
  /// - Returns: whether the store had it.
  /// - Throws: ``CurveCertificateError`` naming a file that cannot be
  ///   deleted (the certificate then stays in the store).
  @discardableResult
  public func remove(_ key: CurvePublicKey) throws(CurveCertificateError) -> Bool {
    try state.withLock { (state) throws(CurveCertificateError) -> Bool in
      guard state.certificates[key] != nil else { return false }
      for path in state.files[key] ?? [] where FileManager.default.fileExists(atPath: path) {
        do {
          try FileManager.default.removeItem(atPath: path)
        } catch {
          throw CurveCertificateError(path: path, problem: "cannot be deleted")
        }
      }
      state.certificates[key] = nil
      state.files[key] = nil
      return true
    }
  }

  /// The directory and the number of certificates.
  public var description: String {
    "CurveCertificateStore(\(String(reflecting: directory)), \(count) certificate\(count == 1 ? "" : "s"))"
  }

  private static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// Reads every `*.key` regular file of `directory`.
  private static func read(_ directory: String) throws(CurveCertificateError) -> State {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw CurveCertificateError(path: directory, problem: "is not a directory that can be listed")
    }
    var state = State()
    for name in names.sorted() where name.hasSuffix(".key") {
      let path = join(directory, name)
      let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
      guard type == .typeRegular else { continue }
      var certificate = try CurveCertificate.load(path: path)
      certificate.secretKey = nil
      if state.certificates[certificate.publicKey] == nil { state.certificates[certificate.publicKey] = certificate }
      state.files[certificate.publicKey, default: []].append(path)
    }
    return state
  }
}
