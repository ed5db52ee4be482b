#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - The ZAP protocol (RFC 27), as pure values

/// The outcome a ZAP handler reports for one connection (the status code of
/// a ZAP reply).
public enum ZAPStatus: Int, Hashable, Sendable, CustomStringConvertible {
  /// `200`: the peer is let in.
  case success = 200
  /// `300`: the handler cannot decide now; libzmq refuses the connection.
  case temporaryFailure = 300
  /// `400`: the peer is refused.
  case authenticationFailure = 400
  /// `500`: the request could not be handled (for example, it was
  /// malformed).
  case internalError = 500

  /// The code and its meaning, e.g. `400 (authentication failure)`.
  public var description: String {
    switch self {
    case .success: "200 (success)"
    case .temporaryFailure: "300 (temporary failure)"
    case .authenticationFailure: "400 (authentication failure)"
    case .internalError: "500 (internal error)"
    }
  }
}

/// A ZAP request that does not follow RFC 27.
///
/// Descriptions name the part that is wrong. They quote at most 32
/// characters of what a peer sent and never a password.
public enum ZAPRequestError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Fewer than the 6 frames every request has (version, request id,
  /// domain, address, identity, mechanism); carries the count.
  case tooFewFrames(Int)
  /// A version other than `1.0`; carries the frame received.
  case unsupportedVersion([UInt8])
  /// A frame that must be UTF-8 text (domain, address, mechanism, PLAIN
  /// user name) is not; carries the field's name.
  case invalidText(field: String)
  /// A mechanism other than `NULL`, `PLAIN`, `CURVE` and `GSSAPI`.
  case unknownMechanism(String)
  /// The number of credential frames does not suit the mechanism (NULL
  /// has none, PLAIN two, CURVE and GSSAPI one).
  case wrongCredentialCount(mechanism: String, expected: Int, received: Int)
  /// A CURVE credential that is not a 32-byte key; carries its size.
  case wrongCurveKeySize(Int)

  /// Says which part of the request is wrong.
  public var description: String {
    switch self {
    case .tooFewFrames(let count):
      "a ZAP request has at least 6 frames, but \(count) arrived"
    case .unsupportedVersion(let version):
      "unsupported ZAP version \(Self.quote(version)) (expected \"1.0\")"
    case .invalidText(let field):
      "the \(field) of a ZAP request is not UTF-8 text"
    case .unknownMechanism(let mechanism):
      "unknown security mechanism \(Self.quote(Array(mechanism.utf8))) in a ZAP request"
    case .wrongCredentialCount(let mechanism, let expected, let received):
      "a ZAP request for \(mechanism) carries \(expected) credential frame\(expected == 1 ? "" : "s"), but \(received) arrived"
    case .wrongCurveKeySize(let size):
      "the CURVE key of a ZAP request is \(size) byte\(size == 1 ? "" : "s") instead of 32"
    }
  }

  /// Up to 32 characters of what a peer sent, quoted.
  private static func quote(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(32), as: UTF8.self)
    return String(reflecting: text) + (bytes.count > 32 ? "…" : "")
  }
}

/// One request a ZAP handler receives: who connects, from where, with which
/// mechanism and credentials (RFC 27).
///
/// ``parse(frames:)`` builds one from the frames of a request and is a pure
/// function: it never traps, whatever the frames hold.
public struct ZAPRequest: Hashable, Sendable, CustomStringConvertible {
  /// The credentials a peer presented, by mechanism.
  public enum Credentials: Hashable, Sendable {
    /// No credentials (the NULL mechanism).
    case null
    /// A PLAIN user name and password. The password is kept as the bytes
    /// received and is never printed.
    case plain(username: String, password: [UInt8])
    /// The client's long-term CURVE public key.
    case curve(CurvePublicKey)
    /// The GSSAPI principal, as received.
    case gssapi(principal: [UInt8])
  }

  /// The request id, to be echoed in the reply.
  public var requestId: [UInt8]
  /// The ZAP domain the server socket set (`.zapDomain`); may be empty.
  public var domain: String
  /// The peer's address, e.g. `127.0.0.1` (an IP address for TCP).
  public var address: String
  /// The routing id (identity) of the connection; often empty.
  public var identity: [UInt8]
  /// The mechanism and what the peer presented with it.
  public var credentials: Credentials

  /// Creates a request from its parts.
  public init(requestId: [UInt8], domain: String, address: String, identity: [UInt8], credentials: Credentials) {
    self.requestId = requestId
    self.domain = domain
    self.address = address
    self.identity = identity
    self.credentials = credentials
  }

  /// The security mechanism of the request.
  public var mechanism: SecurityMechanism {
    switch credentials {
    case .null: .null
    case .plain: .plain
    case .curve: .curve
    case .gssapi: .gssapi
    }
  }

  /// The request without its password, e.g.
  /// `ZAPRequest(PLAIN "alice" from 127.0.0.1, domain "global")`.
  public var description: String {
    let who: String =
      switch credentials {
      case .null: "NULL"
      case .plain(let username, _): "PLAIN \(String(reflecting: username))"
      case .curve(let key): "CURVE \(key.z85)"
      case .gssapi: "GSSAPI"
      }
    return "ZAPRequest(\(who) from \(address), domain \(String(reflecting: domain)))"
  }

  /// The version every request and reply carries.
  public static let version: [UInt8] = Array("1.0".utf8)

  /// Parses the frames of a ZAP request: version (`1.0`), request id,
  /// domain, address, identity, mechanism, then the credentials of the
  /// mechanism (none for NULL; user name and password for PLAIN; the 32-byte
  /// client key for CURVE; the principal for GSSAPI). The frames are those
  /// after the envelope's empty delimiter.
  ///
  /// - Throws: ``ZAPRequestError`` naming what is wrong.
  public static func parse(frames: [[UInt8]]) throws(ZAPRequestError) -> ZAPRequest {
    guard frames.count >= 6 else { throw .tooFewFrames(frames.count) }
    guard frames[0] == version else { throw .unsupportedVersion(frames[0]) }
    guard let domain = String(validating: frames[2], as: UTF8.self) else { throw .invalidText(field: "domain") }
    guard let address = String(validating: frames[3], as: UTF8.self) else { throw .invalidText(field: "address") }
    guard let mechanism = String(validating: frames[5], as: UTF8.self) else {
      throw .invalidText(field: "mechanism")
    }
    let extra = Array(frames[6...])
    func expect(_ count: Int) throws(ZAPRequestError) {
      guard extra.count == count else {
        throw .wrongCredentialCount(mechanism: mechanism, expected: count, received: extra.count)
      }
    }
    let credentials: Credentials
    switch mechanism {
    case "NULL":
      try expect(0)
      credentials = .null
    case "PLAIN":
      try expect(2)
      guard let username = String(validating: extra[0], as: UTF8.self) else {
        throw .invalidText(field: "user name")
      }
      credentials = .plain(username: username, password: extra[1])
    case "CURVE":
      try expect(1)
      guard let key = try? CurvePublicKey(bytes: extra[0]) else { throw .wrongCurveKeySize(extra[0].count) }
      credentials = .curve(key)
    case "GSSAPI":
      try expect(1)
      credentials = .gssapi(principal: extra[0])
    default:
      throw .unknownMechanism(mechanism)
    }
    return ZAPRequest(requestId: frames[1], domain: domain, address: address, identity: frames[4], credentials: credentials)
  }
}

/// A ZAP reply: the status of one request, echoed with its id (RFC 27).
public struct ZAPReply: Hashable, Sendable {
  /// The id of the request answered.
  public var requestId: [UInt8]
  /// Whether the peer is let in.
  public var status: ZAPStatus
  /// A short human-readable text for the status (sent to libzmq, which may
  /// show it to the peer, so it should not reveal why a peer was refused).
  public var statusText: String
  /// The user id libzmq attaches to the peer's messages (`User-Id`
  /// metadata); empty when refused.
  public var userId: String
  /// ZMTP-encoded metadata properties for the peer's messages; usually
  /// empty.
  public var metadata: [UInt8]

  /// Creates a reply.
  public init(requestId: [UInt8], status: ZAPStatus, statusText: String, userId: String = "", metadata: [UInt8] = []) {
    self.requestId = requestId
    self.status = status
    self.statusText = statusText
    self.userId = userId
    self.metadata = metadata
  }

  /// The reply's frames: version, request id, status code, status text,
  /// user id, metadata.
  public var frames: [[UInt8]] {
    [
      ZAPRequest.version, requestId, Array(String(status.rawValue).utf8), Array(statusText.utf8),
      Array(userId.utf8), metadata,
    ]
  }
}

/// What an ``Authenticator`` decided about one connection, as reported to
/// its `onDecision` callback.
public struct ZAPDecision: Hashable, Sendable, CustomStringConvertible {
  /// The ZAP domain of the server socket.
  public var domain: String
  /// The peer's address.
  public var address: String
  /// The mechanism, or `nil` for a request too malformed to tell.
  public var mechanism: SecurityMechanism?
  /// The status sent back to libzmq.
  public var status: ZAPStatus
  /// Why, in words (for logs; never contains a password or secret key).
  public var reason: String
  /// The user id given to an admitted peer: the PLAIN user name, the Z85
  /// text of the CURVE key, empty for NULL.
  public var userId: String
  /// The PLAIN user name presented, if any.
  public var username: String?
  /// The CURVE client key presented, if any.
  public var clientKey: CurvePublicKey?

  /// Creates a decision record.
  public init(
    domain: String, address: String, mechanism: SecurityMechanism?, status: ZAPStatus, reason: String,
    userId: String = "", username: String? = nil, clientKey: CurvePublicKey? = nil
  ) {
    self.domain = domain
    self.address = address
    self.mechanism = mechanism
    self.status = status
    self.reason = reason
    self.userId = userId
    self.username = username
    self.clientKey = clientKey
  }

  /// Whether the peer was let in (status 200).
  public var allowed: Bool { status == .success }

  /// For example `denied PLAIN from 127.0.0.1: wrong password for "alice"`.
  public var description: String {
    let mechanismName = mechanism.map { $0.description.uppercased() } ?? "unknown mechanism"
    let address = address.isEmpty ? "an unknown address" : address
    return "\(allowed ? "allowed" : "denied") \(mechanismName) from \(address): \(reason)"
  }
}

// MARK: - Policy

/// A configuration an ``ZAPPolicy`` refuses.
public enum ZAPPolicyError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Not an IPv4 or IPv6 address in numeric form (ZAP reports peers by
  /// address, so host names never match); carries the text given.
  case invalidAddress(String)
  /// Addresses were added to the allow list while the deny list is in use,
  /// or the other way round; a policy uses one list or the other.
  case conflictingAddressLists

  /// Says what is wrong.
  public var description: String {
    switch self {
    case .invalidAddress(let text):
      "\(String(reflecting: text)) is not a numeric IPv4 or IPv6 address"
    case .conflictingAddressLists:
      "a ZAP policy uses an allow list or a deny list of addresses, not both"
    }
  }
}

/// The rules an ``Authenticator`` applies, as a value: checks of the
/// peer's address, then of its mechanism's credentials.
///
/// ``decide(_:)`` is a pure function of the policy and a request, so rules
/// can be tested without sockets.
///
/// 1. Address: with an allow list, only listed addresses pass; with a deny
///    list, listed addresses are refused; otherwise every address passes.
/// 2. Mechanism: NULL peers that passed step 1 are let in. PLAIN peers need
///    a user name and password from ``plainPasswords``. CURVE peers need a
///    key allowed by ``curve``. GSSAPI is refused.
///
/// A policy prints without its passwords.
public struct ZAPPolicy: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
  /// Which peer addresses pass the first check.
  public enum AddressRule: Hashable, Sendable {
    /// Every address.
    case any
    /// Only these addresses.
    case allowOnly(Set<String>)
    /// Every address except these.
    case deny(Set<String>)
  }

  /// Which CURVE clients are let in.
  public enum CurveRule: Hashable, Sendable {
    /// None (the default).
    case none
    /// Every client that completes the CURVE handshake, whatever its key.
    /// The connection is still encrypted; only knowing the server's public
    /// key is required.
    case anyKey
    /// Clients whose public key is in the set.
    case keys(Set<CurvePublicKey>)
  }

  /// The address rule; change it with ``allow(_:)`` and ``deny(_:)``,
  /// which validate the addresses.
  public private(set) var addresses: AddressRule = .any

  /// The CURVE rule.
  public var curve: CurveRule = .none

  /// PLAIN passwords by user name. Empty: every PLAIN peer is refused.
  public var plainPasswords: [String: String] = [:]

  /// A policy that lets in NULL peers from any address and refuses PLAIN
  /// and CURVE peers until configured.
  public init() {}

  /// Adds addresses to the allow list: from then on only listed addresses
  /// pass.
  ///
  /// - Throws: ``ZAPPolicyError/invalidAddress(_:)`` for an address that is
  ///   not numeric IPv4 or IPv6, ``ZAPPolicyError/conflictingAddressLists``
  ///   when the deny list is in use. Nothing changes when it throws.
  public mutating func allow(_ addresses: [String]) throws(ZAPPolicyError) {
    let normalized = try Self.normalize(addresses)
    switch self.addresses {
    case .any: self.addresses = .allowOnly(normalized)
    case .allowOnly(let existing): self.addresses = .allowOnly(existing.union(normalized))
    case .deny: throw .conflictingAddressLists
    }
  }

  /// Adds addresses to the deny list: from then on listed addresses are
  /// refused, whatever their credentials.
  ///
  /// - Throws: ``ZAPPolicyError/invalidAddress(_:)``,
  ///   ``ZAPPolicyError/conflictingAddressLists`` when the allow list is in
  ///   use. Nothing changes when it throws.
  public mutating func deny(_ addresses: [String]) throws(ZAPPolicyError) {
    let normalized = try Self.normalize(addresses)
    switch self.addresses {
    case .any: self.addresses = .deny(normalized)
    case .deny(let existing): self.addresses = .deny(existing.union(normalized))
    case .allowOnly: throw .conflictingAddressLists
    }
  }

  /// Empties both address lists: every address passes again.
  public mutating func clearAddresses() {
    addresses = .any
  }

  private static func normalize(_ addresses: [String]) throws(ZAPPolicyError) -> Set<String> {
    var result = Set<String>()
    for address in addresses {
      guard let canonical = canonicalAddress(address) else { throw .invalidAddress(address) }
      result.insert(canonical)
    }
    return result
  }

  /// The canonical text of a numeric IPv4 or IPv6 address, `nil` for
  /// anything else.
  static func canonicalAddress(_ text: String) -> String? {
    guard !text.utf8.contains(0) else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    var storage = in6_addr()
    for family in [AF_INET, AF_INET6] {
      let parsed = withUnsafeMutableBytes(of: &storage) { inet_pton(family, text, $0.baseAddress) }
      guard parsed == 1 else { continue }
      let written = withUnsafeBytes(of: &storage) { bytes in
        buffer.withUnsafeMutableBufferPointer {
          inet_ntop(family, bytes.baseAddress, $0.baseAddress, socklen_t($0.count)) != nil
        }
      }
      guard written else { return nil }
      return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return nil
  }

  /// Decides about one request.
  public func decide(_ request: ZAPRequest) -> ZAPDecision {
    let address = Self.canonicalAddress(request.address) ?? request.address
    func refuse(_ reason: String) -> ZAPDecision {
      ZAPDecision(
        domain: request.domain, address: request.address, mechanism: request.mechanism,
        status: .authenticationFailure, reason: reason, username: request.username, clientKey: request.clientKey)
    }
    func admit(_ reason: String, userId: String) -> ZAPDecision {
      ZAPDecision(
        domain: request.domain, address: request.address, mechanism: request.mechanism, status: .success,
        reason: reason, userId: userId, username: request.username, clientKey: request.clientKey)
    }

    var addressNote: String
    switch addresses {
    case .any:
      addressNote = ""
    case .allowOnly(let allowed):
      guard allowed.contains(address) else { return refuse("address \(request.address) is not on the allow list") }
      addressNote = "address on the allow list"
    case .deny(let denied):
      guard !denied.contains(address) else { return refuse("address \(request.address) is on the deny list") }
      addressNote = "address not on the deny list"
    }

    switch request.credentials {
    case .null:
      return admit(addressNote.isEmpty ? "NULL mechanism" : "NULL mechanism, \(addressNote)", userId: "")
    case .plain(let username, let password):
      guard let expected = plainPasswords[username] else {
        return refuse("unknown user \(String(reflecting: username))")
      }
      guard Self.constantTimeEqual(Array(expected.utf8), password) else {
        return refuse("wrong password for \(String(reflecting: username))")
      }
      return admit("password of \(String(reflecting: username)) accepted", userId: username)
    case .curve(let key):
      switch curve {
      case .none:
        return refuse("CURVE clients are not allowed (no keys configured)")
      case .anyKey:
        return admit("any CURVE key is allowed", userId: key.z85)
      case .keys(let keys):
        guard keys.contains(key) else { return refuse("CURVE key \(key.z85) is not allowed") }
        return admit("CURVE key \(key.z85) is allowed", userId: key.z85)
      }
    case .gssapi:
      return refuse("GSSAPI is not supported by this authenticator")
    }
  }

  /// Compares two byte strings in time that depends on their lengths only,
  /// not on where they differ.
  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
    difference |= UInt8(a.count == b.count ? 0 : 1)
    for index in 0..<max(a.count, b.count) {
      let x = index < a.count ? a[index] : 0
      let y = index < b.count ? b[index] : 0
      difference |= x ^ y
    }
    return difference == 0
  }

  /// The rules, with PLAIN user names but not their passwords.
  public var description: String {
    let addressText: String =
      switch addresses {
      case .any: "any"
      case .allowOnly(let set): "allow \(set.sorted())"
      case .deny(let set): "deny \(set.sorted())"
      }
    let curveText: String =
      switch curve {
      case .none: "none"
      case .anyKey: "any key"
      case .keys(let keys): "\(keys.count) key\(keys.count == 1 ? "" : "s")"
      }
    return "ZAPPolicy(addresses: \(addressText), curve: \(curveText), plain users: \(plainPasswords.keys.sorted()))"
  }

  /// A reflection without the passwords.
  public var customMirror: Mirror {
    Mirror(
      self,
      children: [
        "addresses": addresses, "curve": curve, "plainUsers": plainPasswords.keys.sorted(),
      ], displayStyle: .struct)
  }
}

extension ZAPRequest {
  /// The PLAIN user name, if any.
  var username: String? {
    if case .plain(let username, _) = credentials { return username }
    return nil
  }

  /// The CURVE client key, if any.
  var clientKey: CurvePublicKey? {
    if case .curve(let key) = credentials { return key }
    return nil
  }
}

// MARK: - The handler thread

/// A ZAP handler (RFC 27) for one context, answering libzmq's
/// authentication requests on its own thread — the counterpart of pyzmq's
/// `ThreadAuthenticator`.
///
/// Once ``start()`` has returned, every PLAIN or CURVE server socket of the
/// context, and every NULL server socket with a `.zapDomain`, asks the
/// authenticator about each new connection; the ``policy`` decides and the
/// `onDecision` callback hears about it.
///
/// ```swift
/// let auth = Authenticator(context: context) { decision in print(decision) }
/// try auth.start()
/// try auth.deny("192.0.2.7")
/// auth.configurePlain(passwords: ["admin": "secret"])
/// // … servers with `.plainServer`, `.curveServer` or `.zapDomain` …
/// auth.stop()
/// ```
///
/// Rules of use:
/// - Start the authenticator **before** server sockets accept connections
///   and keep it running: libzmq 4.3 lets every peer in when no ZAP handler
///   is bound.
/// - One authenticator per context (the endpoint `inproc://zeromq.zap.01`
///   can be bound once).
/// - The policy can be changed at any time from any thread; the change
///   applies to the next request.
/// - ``stop()`` ends the thread and waits for it. Shutting down or
///   terminating the context (``Context/shutdown()``, ``Context/term()``)
///   also ends it, so `term()` never waits on the authenticator. Do not
///   call ``Context/destroy(linger:)`` while it runs (that closes its
///   sockets from another thread); stop it first.
/// - Dropping the last reference stops it.
public final class Authenticator: Sendable {
  /// The endpoint libzmq sends ZAP requests to, in every context.
  public static let endpoint = "inproc://zeromq.zap.01"

  /// The context whose connections are authenticated.
  public let context: Context

  /// State shared with the handler thread.
  private let shared: Shared

  /// The running thread, if any.
  private let run = Mutex<Run?>(nil)

  /// Creates a stopped authenticator for `context` with the default
  /// ``ZAPPolicy`` (NULL peers in, PLAIN and CURVE peers out).
  ///
  /// - Parameters:
  ///   - context: the context whose server sockets are to be guarded.
  ///   - onDecision: called on the authenticator's thread after each reply,
  ///     with what was decided and why. Keep it short; it must not block on
  ///     the authenticator.
  public init(context: Context, onDecision: (@Sendable (ZAPDecision) -> Void)? = nil) {
    self.context = context
    self.shared = Shared(onDecision: onDecision)
  }

  deinit {
    stop()
  }

  /// The rules applied to the next request; may be read and replaced from
  /// any thread.
  public var policy: ZAPPolicy {
    get { shared.policy.withLock { $0 } }
    set { shared.policy.withLock { $0 = newValue } }
  }

  /// Changes the policy in place, atomically with respect to requests.
  public func updatePolicy<R>(_ body: (inout ZAPPolicy) throws -> R) rethrows -> R {
    try shared.policy.withLock { policy in
      var copy = policy
      let result = try body(&copy)
      policy = copy
      return result
    }
  }

  /// Lets only these addresses in (adds them to the allow list); see
  /// ``ZAPPolicy/allow(_:)``.
  ///
  /// - Throws: ``ZAPPolicyError``.
  public func allow(_ addresses: String...) throws {
    try updatePolicy { policy in try policy.allow(addresses) as Void }
  }

  /// Refuses these addresses (adds them to the deny list); see
  /// ``ZAPPolicy/deny(_:)``.
  ///
  /// - Throws: ``ZAPPolicyError``.
  public func deny(_ addresses: String...) throws {
    try updatePolicy { policy in try policy.deny(addresses) as Void }
  }

  /// Sets the PLAIN user names and passwords (replacing earlier ones).
  public func configurePlain(passwords: [String: String]) {
    updatePolicy { $0.plainPasswords = passwords }
  }

  /// Sets which CURVE clients are let in.
  public func configureCurve(_ rule: ZAPPolicy.CurveRule) {
    updatePolicy { $0.curve = rule }
  }

  /// Lets in the CURVE clients whose keys are in a directory of public
  /// certificate files (every `*.key` file; see
  /// ``CurveCertificate/publicKeys(inDirectory:)``). The directory is read
  /// now; call again to reload it.
  ///
  /// - Returns: the number of keys loaded.
  /// - Throws: ``CurveCertificateError`` (the policy is then unchanged).
  @discardableResult
  public func configureCurve(keyDirectory: String) throws -> Int {
    let keys = try CurveCertificate.publicKeys(inDirectory: keyDirectory)
    configureCurve(.keys(Set(keys)))
    return keys.count
  }

  /// Whether the handler thread is running (it also ends when the context
  /// is shut down).
  public var isRunning: Bool {
    run.withLock { $0.map { !$0.finished.isRaised } ?? false }
  }

  /// Starts the handler thread and waits until it serves
  /// `inproc://zeromq.zap.01`. Does nothing when already running.
  ///
  /// - Throws: ``ZMQError/eaddrinuse`` when another ZAP handler is bound in
  ///   this context, ``ZMQError/eterm`` when the context is shut down, and
  ///   other errors of creating and binding sockets.
  public func start() throws {
    try run.withLock { (current) throws(ZMQError) in
      if let existing = current {
        guard existing.finished.isRaised else { return }
        existing.thread.join()
        current = nil
      }
      current = try Run.start(context: context, shared: shared)
    }
  }

  /// Stops the handler thread and waits for it to end. Does nothing when it
  /// is not running. Safe to call from any thread, including from the
  /// `onDecision` callback (which then does not wait for itself).
  ///
  /// Once stopped, libzmq lets every peer in again: stop the authenticator
  /// after the servers it guards.
  public func stop() {
    guard let current = run.withLock({ current -> Run? in defer { current = nil }; return current }) else { return }
    current.stop(context: context)
  }
}

extension Authenticator {
  /// The state the handler thread reads: the policy and the callback.
  final class Shared: Sendable {
    let policy = Mutex(ZAPPolicy())
    let onDecision: (@Sendable (ZAPDecision) -> Void)?

    init(onDecision: (@Sendable (ZAPDecision) -> Void)?) {
      self.onDecision = onDecision
    }
  }

  /// A signal raised once, waited for by anyone.
  final class Signal: Sendable {
    private let raised = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    var isRaised: Bool { raised.load(ordering: .acquiring) }

    func raise() {
      guard !raised.exchange(true, ordering: .acquiringAndReleasing) else { return }  // once
      semaphore.signal()
    }

    func wait() {
      semaphore.wait()
      semaphore.signal()  // later waits return at once
    }
  }

  /// One run of the handler thread.
  struct Run: Sendable {
    let thread: NativeThread
    /// Where the thread listens for the stop message.
    let stopEndpoint: String
    let stopping: StopFlag
    let finished: Signal

    final class StopFlag: Sendable {
      private let value = Atomic<Bool>(false)
      var isSet: Bool { value.load(ordering: .acquiring) }
      func set() { value.store(true, ordering: .releasing) }
    }

    /// Starts the thread and waits until it has bound its sockets (or
    /// failed to).
    static func start(context: Context, shared: Shared) throws(ZMQError) -> Run {
      let stopEndpoint = "inproc://zeromq-swift.authenticator-stop.\(UUID().uuidString)"
      let stopping = StopFlag()
      let finished = Signal()
      let started = Signal()
      let startError = Mutex<ZMQError?>(nil)
      let thread = try NativeThread.start {
        defer { finished.raise() }
        Handler.run(
          context: context, shared: shared, stopEndpoint: stopEndpoint, stopping: stopping, finished: finished,
          ready: { error in
            startError.withLock { $0 = error }
            started.raise()
          })
      }
      started.wait()
      if let error = startError.withLock({ $0 }) {
        thread.join()
        throw error
      }
      return Run(thread: thread, stopEndpoint: stopEndpoint, stopping: stopping, finished: finished)
    }

    /// Asks the thread to end and joins it.
    func stop(context: Context) {
      stopping.set()
      // Wake the thread at once. If this fails (the context is shut down,
      // so the thread is ending anyway), the flag is seen within
      // `Handler.pollInterval`.
      if !finished.isRaised, let waker = try? context.socket(.pair) {
        try? waker.set(.linger, 0)
        if (try? waker.connect(stopEndpoint)) != nil {
          _ = try? waker.send("STOP", flags: .dontWait)
        }
        try? waker.close()
      }
      if thread.isCurrent {
        thread.detach()  // called from onDecision: the thread ends after it returns
      } else {
        thread.join()
      }
    }
  }

  /// The handler loop, on its own thread.
  enum Handler {
    /// How often the loop checks the stop flag when nothing wakes it.
    static let pollInterval = 500
    /// The most frames of one request kept; longer requests are refused.
    static let maximumFrames = 32

    static func run(
      context: Context, shared: Shared, stopEndpoint: String, stopping: Run.StopFlag, finished: Signal,
      ready: (ZMQError?) -> Void
    ) {
      let zap: Socket
      let waker: Socket
      do {
        zap = try context.socket(.router)
        try zap.set(.linger, 0)
        waker = try context.socket(.pair)
        try waker.set(.linger, 0)
        try waker.bind(stopEndpoint)
        try zap.bind(Authenticator.endpoint)
      } catch {
        ready((error as? ZMQError) ?? .einval)
        return
      }
      ready(nil)
      defer {
        // Serving is over: say so before closing the sockets, because
        // closing them is what lets a `term()` in another thread return,
        // and by then `isRunning` must already be false.
        finished.raise()
        // Unbinding first frees the ZAP endpoint at once (closing alone
        // frees it only when libzmq's reaper gets to the socket), so another
        // handler can start right after `stop()` returns.
        try? zap.unbind(Authenticator.endpoint)
        try? zap.close()
        try? waker.close()
      }
      let poller = Poller()
      do {
        try poller.add(zap, events: .pollIn)
        try poller.add(waker, events: .pollIn)
        while !stopping.isSet {
          guard let event = try poller.wait(timeout: pollInterval) else { continue }
          if event.socket === waker { return }
          do {
            try answer(zap, shared: shared)
          } catch let error as ZMQError where error == .eterm || error == .enotsock {
            return
          } catch {
            continue  // one bad exchange must not end the handler
          }
        }
      } catch {
        return  // ETERM: the context is being shut down
      }
    }

    /// Receives one request on the ROUTER socket, answers it and reports
    /// the decision.
    static func answer(_ zap: Socket, shared: Shared) throws {
      var frames: [[UInt8]] = []
      var total = 0
      repeat {
        guard let frame = try zap.recv(flags: .dontWait) else { return }
        total += 1
        if frames.count < maximumFrames { frames.append(frame) }
      } while try zap.get(.rcvmore)

      // The envelope: routing ids up to the empty delimiter.
      guard let delimiter = frames.firstIndex(where: \.isEmpty) else {
        report(
          shared,
          ZAPDecision(
            domain: "", address: "", mechanism: nil, status: .internalError,
            reason: "a message without an envelope delimiter arrived on the ZAP endpoint"))
        return  // nowhere to send a reply
      }
      let envelope = frames[...delimiter]
      let body = Array(frames[(delimiter + 1)...])
      let reply: ZAPReply
      let decision: ZAPDecision
      if total > frames.count {
        reply = ZAPReply(requestId: body.count > 1 ? body[1] : [], status: .internalError, statusText: "Malformed request")
        decision = ZAPDecision(
          domain: "", address: "", mechanism: nil, status: .internalError,
          reason: "a ZAP request of \(total - delimiter - 1) frames is too long")
      } else {
        do {
          let request = try ZAPRequest.parse(frames: body)
          decision = shared.policy.withLock { $0 }.decide(request)
          reply = ZAPReply(
            requestId: request.requestId, status: decision.status,
            statusText: decision.allowed ? "OK" : "Access denied", userId: decision.allowed ? decision.userId : "")
        } catch {
          reply = ZAPReply(
            requestId: body.count > 1 ? body[1] : [], status: .internalError, statusText: "Malformed request")
          decision = ZAPDecision(
            domain: "", address: "", mechanism: nil, status: .internalError, reason: error.description)
        }
      }
      let parts = Array(envelope) + reply.frames
      for (index, part) in parts.enumerated() {
        try zap.send(part, flags: index == parts.count - 1 ? [] : .sndMore)
      }
      report(shared, decision)
    }

    static func report(_ shared: Shared, _ decision: ZAPDecision) {
      shared.onDecision?(decision)
    }
  }
}

// MARK: - A joinable thread

/// A POSIX thread that can be joined (Foundation's `Thread` cannot).
struct NativeThread: Sendable {
  /// The `pthread_t`, as an integer so that the value is `Sendable` on
  /// every platform (it is an opaque id, never dereferenced here).
  private let id: UInt

  private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }

  /// Starts `body` on a new thread.
  static func start(_ body: @escaping @Sendable () -> Void) throws(ZMQError) -> NativeThread {
    let box = Unmanaged.passRetained(Body(body)).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t?
    let result = pthread_create(
      &thread, nil,
      { argument in
        let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
        body.run()
        return nil
      }, box)
    guard result == 0, let thread else {
      Unmanaged<Body>.fromOpaque(box).release()
      throw ZMQError(code: result)
    }
    return NativeThread(id: UInt(bitPattern: thread))
    #else
    var thread = pthread_t()
    let result = pthread_create(
      &thread, nil,
      { argument in
        let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
        body.run()
        return nil
      }, box)
    guard result == 0 else {
      Unmanaged<Body>.fromOpaque(box).release()
      throw ZMQError(code: result)
    }
    return NativeThread(id: UInt(thread))
    #endif
  }

  private var native: pthread_t {
    #if canImport(Darwin)
    pthread_t(bitPattern: id)!
    #else
    pthread_t(id)
    #endif
  }

  /// Whether the caller runs on this thread.
  var isCurrent: Bool { pthread_equal(pthread_self(), native) != 0 }

  /// Waits for the thread to end.
  func join() { pthread_join(native, nil) }

  /// Lets the thread end on its own.
  func detach() { pthread_detach(native) }
}

// A PLAIN password must not leak through printing or reflection of a
// request either (`print(request.credentials)`, `dump(request)`, a debugger
// summary): the credentials describe themselves without it.
extension ZAPRequest.Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// The mechanism and what identifies the peer; a PLAIN password shows as
  /// `<redacted>`.
  public var description: String {
    switch self {
    case .null: "null"
    case .plain(let username, _): "plain(username: \(String(reflecting: username)), password: <redacted>)"
    case .curve(let key): "curve(\(key.z85))"
    case .gssapi(let principal): "gssapi(principal: \(principal.count) bytes)"
    }
  }

  /// The same as ``description``.
  public var debugDescription: String { description }

  /// A reflection with the password left out.
  public var customMirror: Mirror {
    switch self {
    case .null: Mirror(self, children: [], displayStyle: .enum)
    case .plain(let username, _):
      Mirror(self, children: ["username": username, "password": "<redacted>"], displayStyle: .enum)
    case .curve(let key): Mirror(self, children: ["curve": key], displayStyle: .enum)
    case .gssapi(let principal): Mirror(self, children: ["principal": principal], displayStyle: .enum)
    }
  }
}
