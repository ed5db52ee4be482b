// The messages of the ZAP protocol (RFC 27) as pure values: what a ZAP
// handler receives, what it answers and what an `Authenticator` reports.
// Parsing and encoding never touch a socket, so they can be tested, and
// fuzzed, on their own. Nothing here prints a PLAIN password.

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
    return ZAPRequest(
      requestId: frames[1], domain: domain, address: address, identity: frames[4], credentials: credentials)
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
