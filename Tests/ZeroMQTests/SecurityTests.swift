import CZeroMQ
import Foundation
import Testing
@testable import ZeroMQ

@Suite("Z85") struct Z85Tests {
  /// The test vector of ZeroMQ RFC 32.
  let vector: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]

  @Test("encodes and decodes the RFC 32 test vector")
  func vectorRoundTrip() throws {
    #expect(try Z85.encode(vector) == "HelloWorld")
    #expect(try Z85.decode("HelloWorld") == vector)
    #expect(try Z85.encode([]) == "")
    #expect(try Z85.decode("") == [])
    #expect(try Z85.encode([0, 0, 0, 0]) == "00000")
    #expect(try Z85.encode([0xFF, 0xFF, 0xFF, 0xFF]) == "%nSc0")
    #expect(try Z85.decode("%nSc0") == [0xFF, 0xFF, 0xFF, 0xFF])
  }

  @Test("agrees with libzmq's zmq_z85_encode and zmq_z85_decode")
  func matchesLibzmq() throws {
    var generator = SystemRandomNumberGenerator()
    for length in stride(from: 4, through: 128, by: 4) {  // libzmq refuses empty text
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      var text = [CChar](repeating: 0, count: length / 4 * 5 + 1)
      #expect(zmq_z85_encode(&text, bytes, bytes.count) != nil)
      let libzmqText = String(cString: text)
      #expect(try Z85.encode(bytes) == libzmqText)
      var decoded = [UInt8](repeating: 0, count: length)
      #expect(zmq_z85_decode(&decoded, libzmqText) != nil)
      #expect(try Z85.decode(libzmqText) == decoded)
    }
  }

  @Test("refuses byte counts that are not a multiple of 4, naming the count")
  func encodeLength() {
    #expect(throws: Z85Error.byteCountNotMultipleOf4(7)) { try Z85.encode([UInt8](repeating: 1, count: 7)) }
    #expect(throws: Z85Error.byteCountNotMultipleOf4(1)) { try Z85.encode([1]) }
    #expect(
      Z85Error.byteCountNotMultipleOf4(7).description
        == "Z85 encodes groups of 4 bytes, but 7 bytes is not a multiple of 4")
  }

  @Test("refuses text lengths that are not a multiple of 5, naming the length")
  func decodeLength() {
    #expect(throws: Z85Error.lengthNotMultipleOf5(9)) { try Z85.decode("HelloWorl") }
    #expect(
      Z85Error.lengthNotMultipleOf5(9).description
        == "Z85 text comes in groups of 5 characters, but 9 characters is not a multiple of 5")
  }

  @Test("refuses characters outside the alphabet, naming the character and its offset")
  func decodeCharacters() {
    #expect(throws: Z85Error.invalidCharacter("~", offset: 5)) { try Z85.decode("Hello~orld") }
    #expect(throws: Z85Error.invalidCharacter(" ", offset: 0)) { try Z85.decode(" ello") }
    #expect(throws: Z85Error.invalidCharacter("é", offset: 1)) { try Z85.decode("Hé") }
    #expect(throws: Z85Error.invalidCharacter("\"", offset: 2)) { try Z85.decode("ab\"cd") }
    #expect(throws: Z85Error.invalidCharacter("\0", offset: 4)) { try Z85.decode("Hell\0") }
    // The first bad character is reported even when the length is also wrong.
    #expect(throws: Z85Error.invalidCharacter(",", offset: 1)) { try Z85.decode("a,b") }
    #expect(
      Z85Error.invalidCharacter("~", offset: 5).description
        == "Z85 text has \"~\" at offset 5, which is not a Z85 character")
  }

  @Test("refuses groups larger than 32 bits")
  func decodeOverflow() {
    #expect(throws: Z85Error.groupOutOfRange(offset: 5)) { try Z85.decode("00000%nSc1") }
    #expect(throws: Z85Error.groupOutOfRange(offset: 0)) { try Z85.decode("#####") }
  }

  @Test("never traps on arbitrary text")
  func fuzz() throws {
    var generator = SystemRandomNumberGenerator()
    let characters = Array("0123456789abcdefABCDEF.-:+=^!/*?&<>()[]{}@%$# ~,;'\"\\é\0")
    for _ in 0..<2000 {
      let text = String(
        (0..<Int.random(in: 0...30, using: &generator)).map { _ in characters.randomElement(using: &generator)! })
      if let bytes = try? Z85.decode(text) {
        #expect(try Z85.encode(bytes) == text)
      }
    }
  }
}

@Suite("CURVE keys") struct CurveKeyTests {
  @Test("curveKeypair gives two 40-character Z85 keys that belong together")
  func keypair() throws {
    let (publicKey, secretKey) = try ZMQ.curveKeypair()
    #expect(publicKey.count == 40 && secretKey.count == 40)
    #expect(try Z85.decode(publicKey).count == 32)
    #expect(try ZMQ.curvePublic(secretKey: secretKey) == publicKey)
    let (other, _) = try ZMQ.curveKeypair()
    #expect(other != publicKey)
  }

  @Test("typed key pairs derive the same public key")
  func typedPair() throws {
    let pair = try CurveKeyPair.generate()
    #expect(pair.publicKey.bytes.count == 32)
    #expect(try pair.secretKey.publicKey == pair.publicKey)
    #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
    #expect(try CurvePublicKey(z85: pair.publicKey.z85) == pair.publicKey)
    #expect(try CurveSecretKey(bytes: pair.secretKey.bytes) == pair.secretKey)
  }

  @Test("wrong key lengths are refused at every entry point")
  func lengths() throws {
    #expect(throws: CurveKeyError.wrongByteCount(31)) { try CurvePublicKey(bytes: [UInt8](repeating: 0, count: 31)) }
    #expect(throws: CurveKeyError.wrongByteCount(33)) { try CurveSecretKey(bytes: [UInt8](repeating: 0, count: 33)) }
    #expect(throws: CurveKeyError.wrongTextLength(39)) { try CurvePublicKey(z85: String(repeating: "a", count: 39)) }
    #expect(throws: CurveKeyError.wrongTextLength(0)) { try CurveSecretKey(z85: "") }
    #expect(throws: CurveKeyError.wrongTextLength(10)) { try ZMQ.curvePublic(secretKey: "HelloWorld") }
    #expect(throws: CurveKeyError.wrongTextLength(41)) {
      try ZMQ.curvePublic(secretKey: String(repeating: "0", count: 41))
    }
    #expect(throws: CurveKeyError.invalidZ85(offset: 3)) {
      try ZMQ.curvePublic(secretKey: "abc~" + String(repeating: "0", count: 36))
    }
    #expect(throws: CurveKeyError.invalidZ85(offset: 35)) {
      try CurvePublicKey(z85: String(repeating: "0", count: 35) + "#####")
    }
    #expect(CurveKeyError.wrongByteCount(31).description == "a CURVE key is 32 bytes, but 31 bytes were given")
    #expect(
      CurveKeyError.wrongTextLength(39).description
        == "a CURVE key in Z85 text is 40 characters, but 39 characters were given")
  }

  @Test("secret keys never appear in descriptions, reflections or errors")
  func redaction() throws {
    let pair = try CurveKeyPair.generate()
    let secret = pair.secretKey.z85
    var dumped = ""
    dump(pair, to: &dumped)
    var dumpedKey = ""
    dump(pair.secretKey, to: &dumpedKey)
    let certificate = CurveCertificate(keyPair: pair, metadata: ["name": "server"])
    let texts = [
      pair.description, pair.debugDescription, String(describing: pair), String(reflecting: pair),
      pair.secretKey.description, pair.secretKey.debugDescription, "\(pair.secretKey)", dumped, dumpedKey,
      certificate.description, String(reflecting: certificate),
    ]
    for text in texts {
      #expect(!text.contains(secret), "secret key shown in \(text)")
    }
    #expect(pair.description.contains(pair.publicKey.z85))
    #expect(pair.secretKey.description == "CurveSecretKey(<redacted>)")

    // Errors about a (nearly) secret key do not quote it.
    let damaged = String(secret.dropLast()) + "~"
    for attempt in [damaged, String(secret.dropLast()), secret + "0"] {
      do {
        _ = try CurveSecretKey(z85: attempt)
        Issue.record("accepted a damaged key")
      } catch {
        #expect(!error.description.contains(String(secret.prefix(10))))
        #expect(!error.description.contains("~"))
      }
      #expect(throws: CurveKeyError.self) { try ZMQ.curvePublic(secretKey: attempt) }
    }
    let certificateText = certificate.encoded(includingSecretKey: true)
      .replacingOccurrences(of: secret, with: String(secret.dropLast()) + "~")
    do {
      _ = try CurveCertificate.parse(certificateText)
      Issue.record("accepted a damaged certificate")
    } catch {
      #expect(!error.description.contains(String(secret.prefix(10))))
      #expect(error.line == 6)
    }
  }

  @Test("PLAIN passwords never appear when a ZAP request is printed or reflected")
  func plainPasswordRedaction() {
    let password = "hunter2-\(UInt32.random(in: 0...UInt32.max))"
    let request = ZAPRequest(
      requestId: [1], domain: "global", address: "127.0.0.1", identity: [],
      credentials: .plain(username: "alice", password: Array(password.utf8)))
    var dumped = ""
    dump(request, to: &dumped)
    let passwordBytes = "\(Array(password.utf8))".dropFirst().dropLast()  // "104, 117, …"
    for text in [
      request.description, String(reflecting: request), "\(request.credentials)",
      String(reflecting: request.credentials), dumped,
    ] {
      #expect(!text.contains(password) && !text.contains(passwordBytes), "password shown in \(text)")
      #expect(text.contains("alice"), "the user name is useful in logs: \(text)")
    }
    #expect("\(request.credentials)" == #"plain(username: "alice", password: <redacted>)"#)
  }

  @Test("keys configure CURVE server and client sockets")
  func socketConfiguration() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let server = try makeSocket(ctx, .rep)
    let client = try makeSocket(ctx, .req)
    let serverKeys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
    try server.configureCurveServer(keyPair: serverKeys)
    try client.configureCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
    #expect(try server.get(.curveServer))
    #expect(try server.get(.curvePublickey) == serverKeys.publicKey.bytes)
    #expect(try client.get(.curveServerkey) == serverKeys.publicKey.bytes)
    #expect(try client.get(.curveSecretkey) == clientKeys.secretKey.bytes)
    #expect(try !client.get(.curveServer))
    #expect(try client.get(.mechanism) == SecurityMechanism.curve.rawValue)

    let endpoint = try bindTCP(server)
    try client.connect(endpoint)
    try client.send("hello")
    #expect(try server.recvString() == "hello")
  }
}

@Suite("CURVE certificates") struct CurveCertificateTests {
  func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "zeromq-certificates-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test("a certificate survives encoding and parsing")
  func roundTrip() throws {
    let pair = try CurveKeyPair.generate()
    let certificate = CurveCertificate(keyPair: pair, metadata: ["name": "worker 1", "email": "ops@example.com"])
    let publicOnly = try CurveCertificate.parse(certificate.encoded())
    #expect(publicOnly.publicKey == pair.publicKey)
    #expect(publicOnly.secretKey == nil)
    #expect(publicOnly.metadata == ["name": "worker 1", "email": "ops@example.com"])
    #expect(!certificate.encoded().contains(pair.secretKey.z85))
    let full = try CurveCertificate.parse(certificate.encoded(includingSecretKey: true))
    #expect(full == certificate)
  }

  @Test("parses czmq-style files: comments, quotes, bare values, CRLF")
  func parsing() throws {
    let key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
    let text = """
      #   A comment
      #
      metadata
          name = 'client'
          note = bare value   \r
      curve
          public-key = "\(key)"\r

      """
    let certificate = try CurveCertificate.parse(text)
    #expect(certificate.publicKey.z85 == key)
    #expect(certificate.metadata == ["name": "client", "note": "bare value"])
  }

  @Test("malformed certificates are refused with the line")
  func malformed() {
    #expect(throws: CurveCertificateError(problem: "no \"public-key\" entry in a \"curve\" section")) {
      try CurveCertificate.parse("metadata\n    name = \"x\"\n")
    }
    #expect(throws: CurveCertificateError(line: 2, problem: "the value of \"public-key\" has an unterminated quote")) {
      try CurveCertificate.parse("curve\n    public-key = \"abc\n")
    }
    #expect(throws: CurveCertificateError(line: 2, problem: "public-key: \(CurveKeyError.wrongTextLength(3))")) {
      try CurveCertificate.parse("curve\n    public-key = \"abc\"\n")
    }
    #expect(throws: CurveCertificateError(line: 1, problem: "an entry has no name before \"=\"")) {
      try CurveCertificate.parse(" = x\n")
    }
    // A public-key outside the curve section does not count.
    #expect(throws: CurveCertificateError.self) {
      try CurveCertificate.parse("metadata\n    public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n")
    }
  }

  @Test("a directory of key files yields the public keys of its *.key files")
  func directory() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let first = try CurveKeyPair.generate(), second = try CurveKeyPair.generate()
    try CurveCertificate(keyPair: first).write(to: directory + "/first.key")
    try CurveCertificate(keyPair: first).write(to: directory + "/first.key_secret", includingSecretKey: true)
    try CurveCertificate(keyPair: second).write(to: directory + "/second.key")
    try "not a certificate".write(toFile: directory + "/README", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: directory + "/nested.key", withIntermediateDirectories: false)

    let keys = try CurveCertificate.publicKeys(inDirectory: directory)
    #expect(Set(keys) == [first.publicKey, second.publicKey])
    let secretMode =
      try FileManager.default.attributesOfItem(atPath: directory + "/first.key_secret")[.posixPermissions] as? Int
    #expect(secretMode == 0o600)
    let loaded = try CurveCertificate.load(path: directory + "/first.key_secret")
    #expect(loaded.secretKey == first.secretKey)

    try "curve\n    public-key = \"short\"\n".write(
      toFile: directory + "/broken.key", atomically: true, encoding: .utf8)
    #expect(
      throws: CurveCertificateError(
        path: directory + "/broken.key", line: 2, problem: "public-key: \(CurveKeyError.wrongTextLength(5))")
    ) {
      try CurveCertificate.publicKeys(inDirectory: directory)
    }
    #expect(
      throws: CurveCertificateError(path: directory + "/missing", problem: "is not a directory that can be listed")
    ) {
      try CurveCertificate.publicKeys(inDirectory: directory + "/missing")
    }
    #expect(
      CurveCertificateError(path: "/k/a.key", line: 2, problem: "bad").description == "/k/a.key:2: bad")
  }
}
