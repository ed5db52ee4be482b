import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

/// An error a credential check throws in the tests.
struct LookupFailure: Error, CustomStringConvertible {
  var description: String { "the user database is down" }
}

/// A fresh temporary directory's path (not yet created).
func temporaryStorePath() -> String {
  NSTemporaryDirectory() + "zeromq-store-\(UUID().uuidString)"
}

@Suite("ZAP policies per domain and credential checks") struct ZAPCheckPolicyTests {
  func request(_ mechanism: String, _ credentials: [[UInt8]] = [], domain: String = "global") throws -> ZAPRequest {
    try ZAPRequest.parse(frames: zapFrames(mechanism, credentials, domain: domain))
  }

  @Test("each domain has its own lists and credentials; other domains get the default")
  func perDomain() throws {
    var admin = ZAPPolicy()
    admin.plainPasswords = ["root": "pw"]
    try admin.allow(["10.0.0.1"])
    var table = ZAPPolicyTable()
    table.defaultPolicy.plainPasswords = ["guest": "guest"]
    table.domains["admin"] = admin

    let plain = { (user: String, pass: String, domain: String) in
      try self.request("PLAIN", [Array(user.utf8), Array(pass.utf8)], domain: domain)
    }
    #expect(table.decide(try plain("guest", "guest", "public")).allowed)
    #expect(table.decide(try plain("guest", "guest", "")).allowed)
    #expect(!table.decide(try plain("root", "pw", "public")).allowed)
    let adminFromLoopback = table.decide(try plain("root", "pw", "admin"))
    #expect(adminFromLoopback.reason == "address 127.0.0.1 is not on the allow list")
    #expect(adminFromLoopback.domain == "admin")
    #expect(!table.decide(try plain("guest", "guest", "admin")).allowed)
    #expect(table.policy(forDomain: "admin") == admin && table.policy(forDomain: "x") == table.defaultPolicy)
    #expect(!table.description.contains("pw") && table.description.contains("\"admin\""))
  }

  @Test("a PLAIN check decides about users not in the password table")
  func plainCheck() throws {
    let asked = Mutex<[String]>([])
    var policy = ZAPPolicy()
    policy.plainPasswords = ["alice": "a"]
    policy.plainCheck = ZAPPolicy.PlainCheck { username, password, request in
      asked.withLock { $0.append(username) }
      if username == "bob" && password == "b" { return .allow(userId: "user-42") }
      return .deny(reason: "no such row for \(username)")
    }
    let plain = { (user: String, pass: String) in
      try self.request("PLAIN", [Array(user.utf8), Array(pass.utf8)])
    }
    #expect(policy.decide(try plain("alice", "a")).allowed)
    #expect(!policy.decide(try plain("alice", "b")).allowed)  // the table decides for alice
    let bob = policy.decide(try plain("bob", "b"))
    #expect(bob.allowed && bob.userId == "user-42" && bob.reason == "the PLAIN check accepted \"bob\"")
    let carol = policy.decide(try plain("carol", "c"))
    #expect(carol.status == .authenticationFailure && carol.reason == "no such row for carol")
    #expect(asked.withLock { $0 } == ["bob", "carol"])
    #expect(policy.description.hasSuffix(", plain check)"))
  }

  @Test("a throwing check refuses with 500, a slow one with 300, and neither wedges the caller")
  func failingChecks() throws {
    var policy = ZAPPolicy()
    policy.plainCheck = ZAPPolicy.PlainCheck { _, _, _ in throw LookupFailure() }
    let thrown = policy.decide(try request("PLAIN", [Array("bob".utf8), Array("b".utf8)]))
    #expect(thrown.status == .internalError)
    #expect(thrown.reason == "the PLAIN check of \"bob\" threw an error: the user database is down")

    let key = try CurveKeyPair.generate().publicKey
    policy.curveCheck = ZAPPolicy.CurveCheck(timeout: .milliseconds(100)) { _, _ in
      Thread.sleep(forTimeInterval: 2)
      return .allow
    }
    let start = Date()
    let slow = policy.decide(try request("CURVE", [key.bytes]))
    #expect(Date().timeIntervalSince(start) < 1.5)
    #expect(slow.status == .temporaryFailure)
    #expect(slow.reason.contains("did not answer within"))
  }

  @Test("a CURVE check decides about keys the rule does not allow")
  func curveCheck() throws {
    let listed = try CurveKeyPair.generate().publicKey, known = try CurveKeyPair.generate().publicKey
    let unknown = try CurveKeyPair.generate().publicKey
    var policy = ZAPPolicy()
    policy.curve = .keys([listed])
    policy.curveCheck = ZAPPolicy.CurveCheck { key, _ in key == known ? .allow : .deny }
    #expect(policy.decide(try request("CURVE", [listed.bytes])).allowed)
    let viaCheck = policy.decide(try request("CURVE", [known.bytes]))
    #expect(viaCheck.allowed && viaCheck.userId == known.z85)
    #expect(policy.decide(try request("CURVE", [unknown.bytes])).reason == "the CURVE check refused \(unknown.z85)")
  }
}

@Suite("CURVE certificate store") struct CurveCertificateStoreTests {
  @Test("insert writes a public file, lookup finds it, remove deletes it")
  func insertLookupRemove() throws {
    let directory = temporaryStorePath()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try CurveCertificateStore(directory: directory)
    #expect(store.count == 0)
    let pair = try CurveKeyPair.generate()
    let path = try store.insert(CurveCertificate(keyPair: pair, metadata: ["name": "alice"]), fileName: "alice")
    #expect(path == directory + "/alice.key")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(!text.contains(pair.secretKey.z85) && text.contains(pair.publicKey.z85))
    #expect(store.certificate(for: pair.publicKey)?.metadata["name"] == "alice")
    #expect(store.certificate(for: pair.publicKey)?.secretKey == nil)
    #expect(store.contains(pair.publicKey) && store.publicKeys == [pair.publicKey])
    #expect(!store.description.contains(pair.secretKey.z85))

    let other = try CurveKeyPair.generate().publicKey
    let defaultPath = try store.insert(CurveCertificate(publicKey: other))
    #expect(defaultPath.hasSuffix(".key") && FileManager.default.fileExists(atPath: defaultPath))
    #expect(store.count == 2)

    #expect(try store.remove(pair.publicKey))
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(!store.contains(pair.publicKey))
    #expect(try !store.remove(pair.publicKey))
    #expect(throws: CurveCertificateError.self) {
      try store.insert(CurveCertificate(publicKey: other), fileName: "../x")
    }
  }

  @Test("reload sees files another process added or deleted")
  func reload() throws {
    let directory = temporaryStorePath()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try CurveCertificateStore(directory: directory)
    let pair = try CurveKeyPair.generate()
    try CurveCertificate(keyPair: pair).write(to: directory + "/behind.key")
    #expect(!store.contains(pair.publicKey))
    try store.reload()
    #expect(store.contains(pair.publicKey))
    try FileManager.default.removeItem(atPath: directory + "/behind.key")
    try store.reload()
    #expect(store.count == 0)
  }

  @Test("a malformed or unreadable file is named, the store keeps its contents, secrets stay out")
  func malformed() throws {
    let directory = temporaryStorePath()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try CurveCertificateStore(directory: directory)
    let good = try CurveKeyPair.generate()
    try store.insert(CurveCertificate(keyPair: good), fileName: "good")
    let secret = try CurveKeyPair.generate().secretKey
    try "curve\n    public-key = \"not a key\"\n    secret-key = \"\(secret.z85)\"\n".write(
      toFile: directory + "/broken.key", atomically: true, encoding: .utf8)
    let error = #expect(throws: CurveCertificateError.self) { try store.reload() }
    #expect(error?.path == directory + "/broken.key")
    #expect(error.map { !$0.description.contains(secret.z85) } == true)
    #expect(store.contains(good.publicKey))  // unchanged
    #expect(throws: CurveCertificateError.self) { try CurveCertificateStore(directory: directory) }

    try FileManager.default.removeItem(atPath: directory + "/broken.key")
    try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: directory + "/binary.key"))
    let binary = #expect(throws: CurveCertificateError.self) { try store.reload() }
    #expect(binary?.description == "\(directory)/binary.key: is not UTF-8 text")

    let missing = #expect(throws: CurveCertificateError.self) {
      try CurveCertificateStore(directory: directory + "/none", create: false)
    }
    #expect(missing?.path == directory + "/none")
  }

  @Test("the store is safe to share: inserts on one thread, lookups on others")
  func concurrent() async throws {
    let directory = temporaryStorePath()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try CurveCertificateStore(directory: directory)
    let keys = try (0..<20).map { _ in try CurveKeyPair.generate().publicKey }
    await withTaskGroup(of: Void.self) { group in
      group.addTask { for key in keys { _ = try? store.insert(CurveCertificate(publicKey: key)) } }
      for _ in 0..<3 { group.addTask { for key in keys { _ = store.contains(key) } } }
    }
    #expect(store.count == 20)
    try store.reload()
    #expect(Set(store.publicKeys) == Set(keys))
  }
}

@Suite("Authenticator with domains, checks and a certificate store") struct AuthenticatorChecksTests {
  func setUp() throws -> (Context, Authenticator, DecisionLog) {
    let ctx = try Context()
    let log = DecisionLog()
    let auth = Authenticator(context: ctx, onDecision: log.record)
    try auth.start()
    return (ctx, auth, log)
  }

  func tearDown(_ ctx: Context, _ auth: Authenticator) {
    auth.stop()
    try? ctx.destroy(linger: 0)
  }

  func plainClient(_ ctx: Context, _ endpoint: String, _ user: String, _ password: String) throws -> Socket {
    let client = try makeSocket(ctx, .push)
    try client.set(.plainUsername, user)
    try client.set(.plainPassword, password)
    try client.connect(endpoint)
    return client
  }

  @Test("servers in different ZAP domains apply their domain's policy")
  func domains() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    auth.configurePlain(passwords: ["guest": "guest"])
    var admin = ZAPPolicy()
    admin.plainPasswords = ["root": "toor"]
    auth.setPolicy(admin, forDomain: "admin")
    #expect(auth.policy(forDomain: "admin") == admin)
    #expect(auth.policies.domains.keys.sorted() == ["admin"])

    let adminServer = try makeSocket(ctx, .pull, timeout: 500)
    try adminServer.set(.plainServer, true)
    try adminServer.set(.zapDomain, "admin")
    let adminEndpoint = try bindTCP(adminServer)
    let publicServer = try makeSocket(ctx, .pull, timeout: 5000)
    try publicServer.set(.plainServer, true)
    try publicServer.set(.zapDomain, "public")
    let publicEndpoint = try bindTCP(publicServer)

    let guestAtAdmin = try plainClient(ctx, adminEndpoint, "guest", "guest")
    _ = try guestAtAdmin.send("guest at admin", flags: .dontWait)
    let denial = log.wait { !$0.allowed }
    #expect(denial?.domain == "admin" && denial?.reason == "unknown user \"guest\"")
    expectNothingArrives(adminServer)

    let guestAtPublic = try plainClient(ctx, publicEndpoint, "guest", "guest")
    try guestAtPublic.send("guest at public")
    #expect(try publicServer.recvString() == "guest at public")

    let root = try plainClient(ctx, adminEndpoint, "root", "toor")
    try root.send("root at admin")
    try adminServer.set(.rcvtimeo, 5000)
    #expect(try adminServer.recvString() == "root at admin")
    #expect(log.wait { $0.allowed && $0.domain == "admin" }?.userId == "root")

    auth.setPolicy(nil, forDomain: "admin")
    #expect(auth.policies.domains.isEmpty)
  }

  @Test("a PLAIN check admits, refuses and, when it throws, refuses with 500 while serving on")
  func plainCheck() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    auth.configurePlain { username, password, _ in
      if username == "broken" { throw LookupFailure() }
      return username == "bob" && password == "hunter2" ? .allow(userId: "id-bob") : .deny
    }
    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.set(.plainServer, true)
    let endpoint = try bindTCP(server)

    let broken = try plainClient(ctx, endpoint, "broken", "x")
    _ = try broken.send("broken", flags: .dontWait)
    let failure = log.wait { $0.status == .internalError }
    #expect(failure?.reason == "the PLAIN check of \"broken\" threw an error: the user database is down")
    let wrong = try plainClient(ctx, endpoint, "bob", "guess")
    _ = try wrong.send("wrong", flags: .dontWait)
    #expect(log.wait { $0.status == .authenticationFailure }?.username == "bob")
    expectNothingArrives(server)

    let bob = try plainClient(ctx, endpoint, "bob", "hunter2")
    try bob.send("hello")
    try server.set(.rcvtimeo, 5000)
    #expect(try server.recvString() == "hello")
    #expect(log.wait { $0.allowed }?.userId == "id-bob")
    #expect(log.all.allSatisfy { !$0.description.contains("hunter2") })
    #expect(auth.isRunning)
  }

  @Test("a CURVE check and a certificate store decide who gets in; store changes apply to new connections")
  func curveStore() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    let directory = temporaryStorePath()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try CurveCertificateStore(directory: directory)
    let serverKeys = try CurveKeyPair.generate(), member = try CurveKeyPair.generate()
    let stranger = try CurveKeyPair.generate()
    try store.insert(CurveCertificate(keyPair: member, metadata: ["name": "member"]))
    auth.configureCurve(store: store)

    let server = try makeSocket(ctx, .pull, timeout: 5000)
    try server.configureCurveServer(keyPair: serverKeys)
    let endpoint = try bindTCP(server)
    func client(_ keys: CurveKeyPair) throws -> Socket {
      let socket = try makeSocket(ctx, .push)
      try socket.configureCurveClient(keyPair: keys, serverKey: serverKeys.publicKey)
      try socket.connect(endpoint)
      return socket
    }

    // Each client is kept in a variable: a dropped socket may discard what
    // it has not yet sent.
    let first = try client(member)
    try first.send("member")
    #expect(try server.recvString() == "member")
    #expect(log.wait { $0.allowed }?.reason == "CURVE key \(member.publicKey.z85) is in the certificate store")

    let refused = try client(stranger)
    _ = try refused.send("stranger", flags: .dontWait)
    #expect(log.wait { !$0.allowed }?.reason == "CURVE key \(stranger.publicKey.z85) is not in the certificate store")
    try server.set(.rcvtimeo, 500)
    expectNothingArrives(server)
    try refused.close()

    // Another process adds the stranger's certificate; a reload lets it in.
    try CurveCertificate(publicKey: stranger.publicKey).write(to: directory + "/stranger.key")
    try store.reload()
    let readmitted = try client(stranger)
    try readmitted.send("stranger again")
    try server.set(.rcvtimeo, 5000)
    #expect(try server.recvString() == "stranger again")

    // A check of the application's own, used instead of the store.
    auth.configureCurve { key, _ in key == member.publicKey ? .allow(userId: "member-1") : .deny }
    let checked = try client(member)
    try checked.send("checked")
    #expect(try server.recvString() == "checked")
    #expect(log.wait { $0.userId == "member-1" } != nil)
  }
}
