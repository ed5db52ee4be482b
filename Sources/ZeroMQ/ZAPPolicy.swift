// The rules of an `Authenticator`, as a value: a pure function from a
// ZAP request to a decision.

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
/// ``decide(_:)`` is a function of the policy and a request (pure unless
/// the application's ``plainCheck`` or ``curveCheck`` is called), so rules
/// can be tested without sockets.
///
/// 1. Address: with an allow list, only listed addresses pass; with a deny
///    list, listed addresses are refused; otherwise every address passes.
/// 2. Mechanism: NULL peers that passed step 1 are let in. PLAIN peers need
///    a user name and password from ``plainPasswords``; a user name that is
///    not there goes to ``plainCheck`` when one is set. CURVE peers need a
///    key allowed by ``curve``; a key it does not allow goes to
///    ``curveCheck`` when one is set. GSSAPI is refused.
///
/// An ``Authenticator`` can hold one policy per ZAP domain; see
/// ``ZAPPolicyTable``.
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

  /// The application's check of PLAIN user names that are not in
  /// ``plainPasswords`` (e.g. a database lookup); `nil` refuses them.
  public var plainCheck: PlainCheck?

  /// The application's check of CURVE keys that ``curve`` does not allow
  /// (e.g. a database lookup, or ``CurveCheck/store(_:)``); `nil` refuses
  /// them.
  public var curveCheck: CurveCheck?

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
    SystemCalls.canonicalIPAddress(text)
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
        guard let check = plainCheck else { return refuse("unknown user \(String(reflecting: username))") }
        let text = String(decoding: password, as: UTF8.self)
        return consult(
          Self.call(timeout: check.timeout) { try check.body(username, text, request) }, request: request,
          what: "the PLAIN check of \(String(reflecting: username))", defaultUserId: username,
          defaultReason: {
            $0
              ? "the PLAIN check accepted \(String(reflecting: username))"
              : "the PLAIN check refused \(String(reflecting: username))"
          })
      }
      guard Self.constantTimeEqual(Array(expected.utf8), password) else {
        return refuse("wrong password for \(String(reflecting: username))")
      }
      return admit("password of \(String(reflecting: username)) accepted", userId: username)
    case .curve(let key):
      var refusal: String
      switch curve {
      case .none:
        refusal = "CURVE clients are not allowed (no keys configured)"
      case .anyKey:
        return admit("any CURVE key is allowed", userId: key.z85)
      case .keys(let keys):
        if keys.contains(key) { return admit("CURVE key \(key.z85) is allowed", userId: key.z85) }
        refusal = "CURVE key \(key.z85) is not allowed"
      }
      guard let check = curveCheck else { return refuse(refusal) }
      return consult(
        Self.call(timeout: check.timeout) { try check.body(key, request) }, request: request,
        what: "the CURVE check of \(key.z85)", defaultUserId: key.z85,
        defaultReason: { $0 ? "the CURVE check accepted \(key.z85)" : "the CURVE check refused \(key.z85)" })
    case .gssapi:
      return refuse("GSSAPI is not supported by this authenticator")
    }
  }

  /// The decision for what a credential check answered: its verdict, a
  /// 500 for a thrown error, a 300 for no answer in time.
  private func consult(
    _ outcome: CheckOutcome, request: ZAPRequest, what: String, defaultUserId: String,
    defaultReason: (Bool) -> String
  ) -> ZAPDecision {
    var decision = ZAPDecision(
      domain: request.domain, address: request.address, mechanism: request.mechanism,
      status: .authenticationFailure, reason: "", username: request.username, clientKey: request.clientKey)
    switch outcome {
    case .answered(let verdict):
      decision.status = verdict.allowed ? .success : .authenticationFailure
      decision.reason = verdict.reason ?? defaultReason(verdict.allowed)
      if verdict.allowed { decision.userId = verdict.userId ?? defaultUserId }
    case .failed(let error):
      decision.status = .internalError
      decision.reason = "\(what) threw an error: \(error)"
    case .timedOut(let timeout):
      decision.status = .temporaryFailure
      decision.reason = "\(what) did not answer within \(timeout)"
    }
    return decision
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
    let checks = (plainCheck == nil ? "" : ", plain check") + (curveCheck == nil ? "" : ", curve check")
    return
      "ZAPPolicy(addresses: \(addressText), curve: \(curveText), plain users: \(plainPasswords.keys.sorted())\(checks))"
  }

  /// A reflection without the passwords.
  public var customMirror: Mirror {
    Mirror(
      self,
      children: [
        "addresses": addresses, "curve": curve, "plainUsers": plainPasswords.keys.sorted(),
        "plainCheck": plainCheck != nil, "curveCheck": curveCheck != nil,
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
