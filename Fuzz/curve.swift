// libFuzzer target: CURVE keys and certificate files. The input is used as
// key text, as key bytes and as a certificate file. Properties:
// - CurvePublicKey(z85:) and CurveSecretKey(z85:) accept exactly the
//   40-character texts Z85.decode accepts, give 32 bytes that re-encode to
//   the same text, and otherwise throw wrongTextLength (any other length)
//   or invalidZ85 at the offset Z85.decode reports; ZMQ.curvePublic refuses
//   what they refuse before libzmq sees it, and derives a valid public key
//   from what they accept;
// - the byte initialisers accept exactly 32 bytes; bytes → Z85 → key is the
//   identity;
// - a secret key and errors about keys never show the key text;
// - CurveCertificate.parse either throws CurveCertificateError or returns a
//   certificate whose encoded form (with the secret key) parses back to the
//   same certificate — when its metadata is plain ASCII without double
//   quotes, the only metadata `encoded` writes verbatim.

func checkKeyText(_ text: String) {
  let length = text.count
  let z85 = Result { () throws(Z85Error) in try Z85.decode(text) }
  let expected: Result<[UInt8], CurveKeyError>
  if length != 40 {
    expected = .failure(.wrongTextLength(length))
  } else {
    switch z85 {
    case .success(let bytes): expected = .success(bytes)
    case .failure(.invalidCharacter(_, let offset)), .failure(.groupOutOfRange(let offset)):
      expected = .failure(.invalidZ85(offset: offset))
    case .failure(let error): fatalError("40 characters refused by Z85 for their length: \(error)")
    }
  }
  let publicKey = Result { () throws(CurveKeyError) in try CurvePublicKey(z85: text) }
  let secretKey = Result { () throws(CurveKeyError) in try CurveSecretKey(z85: text) }
  require(publicKey.map(\.bytes) == expected, "CurvePublicKey(z85:) gave \(publicKey), expected \(expected)")
  require(secretKey.map(\.bytes) == expected, "CurveSecretKey(z85:) differs from the expected \(expected)")
  switch (publicKey, secretKey) {
  case (.success(let key), .success(let secret)):
    require(key.bytes.count == 32 && key.z85 == text && secret.z85 == text, "a key does not re-encode to its text")
    require(
      secret.description == "CurveSecretKey(<redacted>)" && secret.debugDescription == secret.description,
      "a secret key shows itself")
    // Only valid secret keys reach libzmq; what comes back is a public key.
    do {
      let derived = try ZMQ.curvePublic(secretKey: text)
      require((try? CurvePublicKey(z85: derived)) != nil, "curvePublic returned an invalid key")
    } catch {
      require(!ZMQ.has(.curve), "curvePublic refused a valid secret key: \(error)")
    }
  case (.failure(let error), _):
    if length == 40 && !text.contains(" ") {
      require(!error.description.contains(text), "an error about a key shows the key")
    }
    do {
      _ = try ZMQ.curvePublic(secretKey: text)
      fatalError("curvePublic accepted a secret key that CurveSecretKey refuses")
    } catch let refusal as CurveKeyError {
      require(refusal == error, "curvePublic refused with \(refusal), CurveSecretKey with \(error)")
    } catch {
      fatalError("curvePublic passed an invalid key to libzmq: \(error)")
    }
  default:
    fatalError("the public and secret key initialisers disagree")
  }
}

func checkKeyBytes(_ bytes: [UInt8]) {
  let key = Result { () throws(CurveKeyError) in try CurvePublicKey(bytes: bytes) }
  let secret = Result { () throws(CurveKeyError) in try CurveSecretKey(bytes: bytes) }
  let expected: Result<[UInt8], CurveKeyError> =
    bytes.count == 32 ? .success(bytes) : .failure(.wrongByteCount(bytes.count))
  require(key.map(\.bytes) == expected && secret.map(\.bytes) == expected, "wrong outcome for \(bytes.count) key bytes")
  if case .success(let key) = key {
    require(key.z85.count == 40, "a key's Z85 text is not 40 characters")
    require((try? CurvePublicKey(z85: key.z85)) == key, "bytes → Z85 → key is not the identity")
  }
}

/// Whether `encoded` can write this metadata so that it reads back as is.
func isPlainMetadata(_ text: String) -> Bool {
  text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" }
}

func checkCertificate(_ text: String) {
  let certificate: CurveCertificate
  do {
    certificate = try CurveCertificate.parse(text)
  } catch {
    require(!error.problem.isEmpty && error.path == nil, "an empty problem, or a path for text: \(error)")
    if let line = error.line {
      require(line >= 1 && line <= text.utf8.count + 1, "line \(line) is past the end of the text")
    }
    return
  }
  guard certificate.metadata.allSatisfy({ isPlainMetadata($0.key) && isPlainMetadata($0.value) }),
    certificate.metadata.keys.allSatisfy({ !$0.hasPrefix(" ") && !$0.hasPrefix("\t") && !$0.hasPrefix("#") })
  else { return }
  let encoded = certificate.encoded(includingSecretKey: true)
  do {
    let again = try CurveCertificate.parse(encoded)
    require(again == certificate, "encoded→parse changed the certificate")
  } catch {
    fatalError("the encoded certificate does not parse: \(error)")
  }
  // The public form and the description leave the secret key out (unless
  // the file also has it as the public key or in a metadata entry, which
  // are printed as they are).
  if let secret = certificate.secretKey?.z85, secret != certificate.publicKey.z85,
    !certificate.metadata.contains(where: { $0.key.contains(secret) || $0.value.contains(secret) })
  {
    require(!certificate.encoded(includingSecretKey: false).contains(secret), "the public form shows the secret key")
    require(!certificate.description.contains(secret), "the description shows the secret key")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCurve(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
  let text = String(decoding: bytes, as: UTF8.self)
  checkKeyText(text)
  checkKeyBytes(bytes)
  checkKeyBytes(Array(bytes.prefix(32)))
  checkCertificate(text)
  return 0
}
