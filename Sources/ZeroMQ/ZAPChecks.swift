// Credential checks an application supplies to a `ZAPPolicy` (closures the
// authenticator's thread calls, e.g. a database lookup), what they answer,
// and a policy per ZAP domain.

import Dispatch
import Synchronization

/// What a credential check answers about one peer: let in or not, and
/// optionally the user id libzmq attaches to its messages and a reason for
/// the log.
public struct ZAPVerdict: Hashable, Sendable {
  /// Whether the peer is let in.
  public var allowed: Bool
  /// The user id for an admitted peer (the `User-Id` property of its
  /// messages); `nil` keeps the default: the PLAIN user name, or the Z85
  /// text of the CURVE key.
  public var userId: String?
  /// Why, for ``ZAPDecision/reason``; `nil` gives a standard text. Never
  /// sent to the peer.
  public var reason: String?

  /// A verdict with all its parts.
  public init(allowed: Bool, userId: String? = nil, reason: String? = nil) {
    self.allowed = allowed
    self.userId = userId
    self.reason = reason
  }

  /// Let the peer in, with the default user id.
  public static let allow = ZAPVerdict(allowed: true)
  /// Refuse the peer.
  public static let deny = ZAPVerdict(allowed: false)

  /// Let the peer in with a user id of the application's choosing.
  public static func allow(userId: String?, reason: String? = nil) -> ZAPVerdict {
    ZAPVerdict(allowed: true, userId: userId, reason: reason)
  }

  /// Refuse the peer, saying why (for the log only).
  public static func deny(reason: String) -> ZAPVerdict {
    ZAPVerdict(allowed: false, reason: reason)
  }
}

extension ZAPPolicy {
  /// A check of PLAIN credentials that the application writes, e.g. a
  /// lookup in a user database; consulted for user names that are not in
  /// ``ZAPPolicy/plainPasswords``.
  ///
  /// The closure runs on the authenticator's thread (or, with a timeout, on
  /// a thread of its own while the authenticator waits), so it is
  /// `@Sendable` and must not use the sockets of the context it guards.
  /// It gets the user name, the password as text (bytes that are not UTF-8
  /// are replaced; the exact bytes are in the request's
  /// ``ZAPRequest/credentials``) and the whole request.
  ///
  /// - A thrown error refuses the peer with status 500
  ///   (``ZAPStatus/internalError``); the error's description is in
  ///   ``ZAPDecision/reason``.
  /// - A check that has not answered after `timeout` refuses the peer with
  ///   status 300 (``ZAPStatus/temporaryFailure``), and the authenticator
  ///   moves on to the next request; the late answer is dropped.
  ///
  /// Two checks are equal only when they are the same value (copies of one
  /// check), since closures cannot be compared.
  public struct PlainCheck: Hashable, Sendable {
    /// The closure's type.
    public typealias Body =
      @Sendable (_ username: String, _ password: String, _ request: ZAPRequest) throws ->
      ZAPVerdict
    let identity: CheckIdentity
    let body: Body
    /// How long the authenticator waits for an answer; `nil` waits as long
    /// as it takes (and calls the closure on its own thread).
    public let timeout: Duration?

    /// A check that calls `body` for each PLAIN request it is asked about.
    public init(timeout: Duration? = .seconds(5), _ body: @escaping Body) {
      self.identity = CheckIdentity()
      self.body = body
      self.timeout = timeout
    }

    public static func == (lhs: PlainCheck, rhs: PlainCheck) -> Bool { lhs.identity === rhs.identity }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(identity)) }
  }

  /// A check of CURVE client keys that the application writes, e.g. a
  /// lookup in a database of devices; consulted for keys that
  /// ``ZAPPolicy/curve`` does not allow. Runs, fails and times out like
  /// ``PlainCheck``.
  public struct CurveCheck: Hashable, Sendable {
    /// The closure's type.
    public typealias Body = @Sendable (_ key: CurvePublicKey, _ request: ZAPRequest) throws -> ZAPVerdict
    let identity: CheckIdentity
    let body: Body
    /// How long the authenticator waits for an answer; `nil` waits as long
    /// as it takes (and calls the closure on its own thread).
    public let timeout: Duration?

    /// A check that calls `body` for each CURVE key it is asked about.
    public init(timeout: Duration? = .seconds(5), _ body: @escaping Body) {
      self.identity = CheckIdentity()
      self.body = body
      self.timeout = timeout
    }

    /// Lets in the clients whose public key is in `store` at the time of
    /// the request (an in-memory lookup, so without a timeout). Keys
    /// inserted, removed or reloaded later apply to the next connection.
    public static func store(_ store: CurveCertificateStore) -> CurveCheck {
      CurveCheck(timeout: nil) { key, _ in
        store.contains(key)
          ? .allow(userId: nil, reason: "CURVE key \(key.z85) is in the certificate store")
          : .deny(reason: "CURVE key \(key.z85) is not in the certificate store")
      }
    }

    public static func == (lhs: CurveCheck, rhs: CurveCheck) -> Bool { lhs.identity === rhs.identity }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(identity)) }
  }

  /// What makes a check equal to its copies only.
  final class CheckIdentity: Sendable {}

  /// How calling a check ended.
  enum CheckOutcome {
    case answered(ZAPVerdict)
    case failed(any Error)
    case timedOut(Duration)
  }

  /// Calls `body`, directly without a timeout, otherwise on a thread of
  /// Dispatch's while this one waits at most `timeout`.
  static func call(timeout: Duration?, _ body: @escaping @Sendable () throws -> ZAPVerdict) -> CheckOutcome {
    guard let timeout else {
      do { return .answered(try body()) } catch { return .failed(error) }
    }
    let slot = OutcomeSlot()
    DispatchQueue.global().async {
      let result = Result { try body() }
      slot.result.withLock { $0 = result }
      slot.done.signal()
    }
    let (seconds, attoseconds) = timeout.components
    let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
    guard slot.done.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success,
      let result = slot.result.withLock({ $0 })
    else { return .timedOut(timeout) }
    switch result {
    case .success(let verdict): return .answered(verdict)
    case .failure(let error): return .failed(error)
    }
  }

  /// Where a check running on another thread leaves its answer.
  final class OutcomeSlot: Sendable {
    let result = Mutex<Result<ZAPVerdict, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
  }
}

/// The policies of an ``Authenticator``: one per ZAP domain (the
/// `.zapDomain` a server socket sets), and a default for every domain not
/// listed, including the empty one.
///
/// Like ``ZAPPolicy``, it is a value whose ``decide(_:)`` can be called
/// without sockets.
public struct ZAPPolicyTable: Hashable, Sendable, CustomStringConvertible {
  /// The policy for domains that are not in ``domains``.
  public var defaultPolicy: ZAPPolicy
  /// The policies of particular domains, by domain name.
  public var domains: [String: ZAPPolicy]

  /// A table with a default policy and policies for some domains.
  public init(defaultPolicy: ZAPPolicy = ZAPPolicy(), domains: [String: ZAPPolicy] = [:]) {
    self.defaultPolicy = defaultPolicy
    self.domains = domains
  }

  /// The policy that decides about requests for `domain`.
  public func policy(forDomain domain: String) -> ZAPPolicy {
    domains[domain] ?? defaultPolicy
  }

  /// Decides about one request with the policy of its domain.
  public func decide(_ request: ZAPRequest) -> ZAPDecision {
    policy(forDomain: request.domain).decide(request)
  }

  /// The default policy and each domain's, without passwords.
  public var description: String {
    let listed = domains.keys.sorted().map { "\(String(reflecting: $0)): \(domains[$0]!)" }
    return "ZAPPolicyTable(default: \(defaultPolicy), domains: [\(listed.joined(separator: ", "))])"
  }
}
