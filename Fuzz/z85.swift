// libFuzzer target: Z85 (RFC 32). The input is used three ways:
// 1. as text (UTF-8, invalid bytes as U+FFFD) for Z85.decode: it succeeds
//    only for text of whole 5-character groups from the alphabet whose
//    values fit in 32 bits; then the bytes re-encode to the same text.
//    Failures are the Z85Error a model of the rules predicts (the first
//    character outside the alphabet, else the length, else the first group
//    out of range);
// 2. as text in the alphabet (each byte mapped onto it) for the same checks,
//    so that most inputs reach the group arithmetic;
// 3. as bytes for Z85.encode: any length not a multiple of 4 throws
//    byteCountNotMultipleOf4; a multiple of 4 gives 5 characters per 4 bytes
//    of the alphabet, which decode to the same bytes.

let z85Alphabet = Array(
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".unicodeScalars)

/// The outcome the Z85 rules predict for `text`.
func expectedZ85(_ text: String) -> Result<[UInt8], Z85Error> {
  var digits: [UInt64] = []
  for (offset, character) in text.enumerated() {
    let scalars = character.unicodeScalars
    guard scalars.count == 1, let digit = z85Alphabet.firstIndex(of: scalars.first!) else {
      return .failure(.invalidCharacter(character, offset: offset))
    }
    digits.append(UInt64(digit))
  }
  guard digits.count % 5 == 0 else { return .failure(.lengthNotMultipleOf5(digits.count)) }
  var bytes: [UInt8] = []
  for group in stride(from: 0, to: digits.count, by: 5) {
    let value = digits[group..<group + 5].reduce(0) { $0 * 85 + $1 }
    guard value < 1 << 32 else { return .failure(.groupOutOfRange(offset: group)) }
    bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
  }
  return .success(bytes)
}

func checkDecode(_ text: String) {
  let result = Result { () throws(Z85Error) in try Z85.decode(text) }
  let expected = expectedZ85(text)
  require(result == expected, "Z85.decode(\(String(reflecting: text))) gave \(result), expected \(expected)")
  switch result {
  case .success(let bytes):
    require(text.count % 5 == 0, "decode accepted a length of \(text.count)")
    require(bytes.count == text.count / 5 * 4, "\(bytes.count) bytes from \(text.count) characters")
    let again = Result { () throws(Z85Error) in try Z85.encode(bytes) }
    require(again == .success(text), "decode→encode changed \(String(reflecting: text)) into \(again)")
  case .failure(let error):
    require(!error.description.isEmpty, "empty error description")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZ85(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))

  checkDecode(String(decoding: bytes, as: UTF8.self))
  checkDecode(String(String.UnicodeScalarView(bytes.map { z85Alphabet[Int($0) % 85] })))

  let encoded = Result { () throws(Z85Error) in try Z85.encode(bytes) }
  if bytes.count % 4 != 0 {
    require(
      encoded == .failure(.byteCountNotMultipleOf4(bytes.count)), "encode of \(bytes.count) bytes gave \(encoded)")
  }
  let whole = Array(bytes.prefix(bytes.count / 4 * 4))
  switch Result(catching: { () throws(Z85Error) in try Z85.encode(whole) }) {
  case .success(let text):
    require(text.count == whole.count / 4 * 5, "\(whole.count) bytes encoded as \(text.count) characters")
    require(
      text.unicodeScalars.allSatisfy { z85Alphabet.contains($0) }, "encode wrote a character outside the alphabet")
    let back = Result { () throws(Z85Error) in try Z85.decode(text) }
    require(back == .success(whole), "encode→decode changed \(whole) into \(back)")
  case .failure(let error):
    fatalError("encode refused \(whole.count) bytes: \(error)")
  }
  return 0
}
