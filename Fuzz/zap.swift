// libFuzzer target: ZAP requests (RFC 27) as the authenticator receives
// them. The input is split into frames (Fuzz/Support/FuzzSupport.swift: a
// length byte 0…254 then that many bytes; 255 = the rest of the input), and
// the frames are given to ZAPRequest.parse(frames:). Properties:
// - parse succeeds or throws the ZAPRequestError a model of RFC 27 predicts
//   (checked in the order: frame count, version, domain, address,
//   mechanism text, credential count, user name text, CURVE key size);
// - a parsed request carries the frames' fields, and its frames parse back
//   to the same request;
// - error descriptions stay short whatever the peer sent (they quote at
//   most 32 characters);
// - ZAPPolicy.decide lets a request in exactly when the policy's rules say
//   so (an allow list with loopback addresses, one PLAIN user, one CURVE
//   key), and never puts the password in the decision.

let validKey = try! CurvePublicKey(z85: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")
let zapPolicy: ZAPPolicy = {
  var policy = ZAPPolicy()
  try! policy.allow(["127.0.0.1", "::1"])
  policy.plainPasswords = ["alice": "s3cret-pass"]
  policy.curve = .keys([validKey])
  return policy
}()

func expectedRequest(_ frames: [[UInt8]]) -> Result<ZAPRequest, ZAPRequestError> {
  guard frames.count >= 6 else { return .failure(.tooFewFrames(frames.count)) }
  guard frames[0] == [0x31, 0x2E, 0x30] else { return .failure(.unsupportedVersion(frames[0])) }
  func text(_ bytes: [UInt8]) -> String? { String(validating: bytes, as: UTF8.self) }
  guard let domain = text(frames[2]) else { return .failure(.invalidText(field: "domain")) }
  guard let address = text(frames[3]) else { return .failure(.invalidText(field: "address")) }
  guard let mechanism = text(frames[5]) else { return .failure(.invalidText(field: "mechanism")) }
  let credentials = Array(frames.dropFirst(6))
  let counts = ["NULL": 0, "PLAIN": 2, "CURVE": 1, "GSSAPI": 1]
  guard let count = counts[mechanism] else { return .failure(.unknownMechanism(mechanism)) }
  guard credentials.count == count else {
    return .failure(.wrongCredentialCount(mechanism: mechanism, expected: count, received: credentials.count))
  }
  let parsed: ZAPRequest.Credentials
  switch mechanism {
  case "NULL": parsed = .null
  case "PLAIN":
    guard let username = text(credentials[0]) else { return .failure(.invalidText(field: "user name")) }
    parsed = .plain(username: username, password: credentials[1])
  case "CURVE":
    guard credentials[0].count == 32 else { return .failure(.wrongCurveKeySize(credentials[0].count)) }
    parsed = .curve(try! CurvePublicKey(bytes: credentials[0]))
  default: parsed = .gssapi(principal: credentials[0])
  }
  return .success(
    ZAPRequest(requestId: frames[1], domain: domain, address: address, identity: frames[4], credentials: parsed))
}

/// The frames of a request, as a ZAP client (libzmq) sends them.
func requestFrames(_ request: ZAPRequest) -> [[UInt8]] {
  var frames = [
    ZAPRequest.version, request.requestId, Array(request.domain.utf8), Array(request.address.utf8),
    request.identity,
  ]
  switch request.credentials {
  case .null: frames.append(Array("NULL".utf8))
  case .plain(let username, let password): frames += [Array("PLAIN".utf8), Array(username.utf8), password]
  case .curve(let key): frames += [Array("CURVE".utf8), key.bytes]
  case .gssapi(let principal): frames += [Array("GSSAPI".utf8), principal]
  }
  return frames
}

func checkDecision(_ request: ZAPRequest) {
  let decision = zapPolicy.decide(request)
  let addressAllowed = ["127.0.0.1", "::1"].contains(ZAPPolicy.canonicalAddress(request.address) ?? "")
  let credentialsAllowed: Bool
  switch request.credentials {
  case .null: credentialsAllowed = true
  case .plain(let username, let password):
    credentialsAllowed = username == "alice" && password == Array("s3cret-pass".utf8)
  case .curve(let key): credentialsAllowed = key == validKey
  case .gssapi: credentialsAllowed = false
  }
  require(decision.allowed == (addressAllowed && credentialsAllowed), "wrong decision \(decision) for \(request)")
  require(decision.status == (decision.allowed ? .success : .authenticationFailure), "wrong status \(decision.status)")
  if case .plain(let username, _) = request.credentials, decision.allowed {
    require(decision.userId == username, "user id \(decision.userId) for \(username)")
  }
  if !decision.allowed { require(decision.userId.isEmpty, "a refused peer was given a user id") }
  // The configured password never shows, unless the peer put it in a field
  // that is printed.
  let secret = "s3cret-pass"
  var printed = request.address + "\u{0}" + request.domain
  if case .plain(let username, _) = request.credentials { printed += "\u{0}" + username }
  guard !printed.contains(secret) else { return }
  for text in [decision.description, decision.reason, request.description, String(describing: request)] {
    require(!text.contains(secret), "the password shows in \(text)")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZAP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let frames = splitFrames(UnsafeRawBufferPointer(start: data, count: size))
  let result = Result { () throws(ZAPRequestError) in try ZAPRequest.parse(frames: frames) }
  let expected = expectedRequest(frames)
  require(result == expected, "parse gave \(result), expected \(expected)")
  switch result {
  case .success(let request):
    let again = Result { () throws(ZAPRequestError) in try ZAPRequest.parse(frames: requestFrames(request)) }
    require(again == .success(request), "the request's frames parse to \(again)")
    require(!request.description.isEmpty, "empty description")
    checkDecision(request)
  case .failure(let error):
    require(error.description.count < 600, "an error description of \(error.description.count) characters")
  }
  return 0
}
