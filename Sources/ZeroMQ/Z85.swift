/// Z85 text that cannot be decoded, or bytes that cannot be encoded.
///
/// Each case names what was wrong precisely enough to find it: the length
/// that is not a whole number of groups, or the offending character and its
/// position.
public enum Z85Error: Error, Hashable, Sendable, CustomStringConvertible {
  /// The bytes to encode are not a whole number of 4-byte groups; carries
  /// the byte count given.
  case byteCountNotMultipleOf4(Int)
  /// The text to decode is not a whole number of 5-character groups;
  /// carries the length given, in characters.
  case lengthNotMultipleOf5(Int)
  /// The text holds a character that is not in the Z85 alphabet; carries
  /// the character and its offset (0-based, in characters).
  case invalidCharacter(Character, offset: Int)
  /// Five valid characters whose value does not fit in 32 bits (for
  /// example `"%%%%%"`); carries the offset of the group's first character.
  case groupOutOfRange(offset: Int)

  /// Says what was wrong, e.g. `Z85 text has "~" at offset 7, which is
  /// not a Z85 character`.
  public var description: String {
    switch self {
    case .byteCountNotMultipleOf4(let count):
      "Z85 encodes groups of 4 bytes, but \(count) byte\(count == 1 ? "" : "s") is not a multiple of 4"
    case .lengthNotMultipleOf5(let length):
      "Z85 text comes in groups of 5 characters, but \(length) character\(length == 1 ? "" : "s") is not a multiple of 5"
    case .invalidCharacter(let character, let offset):
      "Z85 text has \(String(reflecting: String(character))) at offset \(offset), which is not a Z85 character"
    case .groupOutOfRange(let offset):
      "the Z85 group at offset \(offset) encodes a value larger than 32 bits"
    }
  }
}

/// The Z85 encoding of ZeroMQ's RFC 32: binary data as printable text, 5
/// characters for every 4 bytes. CURVE keys are usually exchanged this way
/// (40 characters for a 32-byte key).
///
/// ```swift
/// let text = try Z85.encode([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])
/// // "HelloWorld"
/// let bytes = try Z85.decode(text)
/// ```
///
/// Both directions are implemented in Swift and validate their input
/// completely: nothing here calls libzmq, reads beyond the input or traps.
public enum Z85 {
  /// The 85 characters of the alphabet, in value order.
  static let alphabet: [UInt8] = Array(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

  /// The value of each ASCII byte in the alphabet, `0xFF` for the others.
  static let values: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
    return table
  }()

  /// Encodes bytes as Z85 text.
  ///
  /// - Parameter bytes: the data; its length must be a multiple of 4.
  /// - Returns: the text, 5 characters for every 4 bytes (empty for no
  ///   bytes).
  /// - Throws: ``Z85Error/byteCountNotMultipleOf4(_:)`` naming the length.
  public static func encode(_ bytes: [UInt8]) throws(Z85Error) -> String {
    guard bytes.count % 4 == 0 else { throw .byteCountNotMultipleOf4(bytes.count) }
    return encodeChecked(bytes)
  }

  /// Encodes a byte count known to be a multiple of 4.
  static func encodeChecked(_ bytes: [UInt8]) -> String {
    var output = [UInt8](repeating: 0, count: bytes.count / 4 * 5)
    var out = 0
    var index = 0
    while index < bytes.count {
      var value = UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16
      value |= UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
      for position in stride(from: 4, through: 0, by: -1) {
        output[out + position] = alphabet[Int(value % 85)]
        value /= 85
      }
      out += 5
      index += 4
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Decodes Z85 text into bytes.
  ///
  /// - Parameter text: the text; its length must be a multiple of 5 and it
  ///   may hold only characters of the Z85 alphabet (no spaces, quotes or
  ///   line breaks).
  /// - Returns: the bytes, 4 for every 5 characters.
  /// - Throws: ``Z85Error/lengthNotMultipleOf5(_:)`` naming the length,
  ///   ``Z85Error/invalidCharacter(_:offset:)`` naming the first character
  ///   outside the alphabet and its position, or
  ///   ``Z85Error/groupOutOfRange(offset:)``.
  public static func decode(_ text: String) throws(Z85Error) -> [UInt8] {
    // Positions are counted in characters, as a reader would count them;
    // the alphabet is ASCII, so any other character is an error anyway.
    var offset = 0
    var ascii: [UInt8] = []
    ascii.reserveCapacity(text.utf8.count)
    for character in text {
      guard let byte = character.asciiValue, values[Int(byte)] != 0xFF else {
        throw .invalidCharacter(character, offset: offset)
      }
      ascii.append(byte)
      offset += 1
    }
    guard ascii.count % 5 == 0 else { throw .lengthNotMultipleOf5(ascii.count) }
    return try decodeChecked(ascii)
  }

  /// Decodes ASCII bytes that are all in the alphabet and a multiple of 5
  /// long; only the 32-bit range remains to be checked.
  static func decodeChecked(_ ascii: [UInt8]) throws(Z85Error) -> [UInt8] {
    var bytes = [UInt8]()
    bytes.reserveCapacity(ascii.count / 5 * 4)
    var index = 0
    while index < ascii.count {
      var value: UInt64 = 0
      for position in 0..<5 {
        value = value * 85 + UInt64(values[Int(ascii[index + position])])
      }
      guard value <= UInt64(UInt32.max) else { throw .groupOutOfRange(offset: index) }
      bytes.append(UInt8(truncatingIfNeeded: value >> 24))
      bytes.append(UInt8(truncatingIfNeeded: value >> 16))
      bytes.append(UInt8(truncatingIfNeeded: value >> 8))
      bytes.append(UInt8(truncatingIfNeeded: value))
      index += 5
    }
    return bytes
  }
}
