import Foundation

/// Which libzmq call an option belongs to: `zmq_setsockopt`/`zmq_getsockopt`
/// or `zmq_ctx_set`/`zmq_ctx_get`.
public enum OptionScope: String, Codable, Sendable, CaseIterable {
  case socket, context
}

/// How an option's value is stored and which Swift type carries it.
///
/// This enum is the one definition of the kinds: the runtime's
/// `OptionValueKind` is emitted from its cases (`OptionsEmitter`), and the
/// typed keys carry a kind each.
public enum OptionValueKind: String, Codable, Sendable, CaseIterable {
  case int32, bool, int64, uint64, string, bytes, z85

  /// The Swift type of the value.
  public var swiftType: String {
    switch self {
    case .int32: "Int32"
    case .bool: "Bool"
    case .int64: "Int64"
    case .uint64: "UInt64"
    case .string: "String"
    case .bytes, .z85: "[UInt8]"
    }
  }

  /// What the case means, for the emitted runtime enum's documentation.
  public var summary: String {
    switch self {
    case .int32: "A C `int`, as `Int32`."
    case .bool: "A C `int` holding 0 or 1, as `Bool`."
    case .int64: "An `int64_t`, as `Int64`."
    case .uint64: "A `uint64_t`, as `UInt64`."
    case .string: "A character string, as `String` (libzmq adds a NUL when it is read)."
    case .bytes: "Binary data, as `[UInt8]` (setters also take `String` and `Data`)."
    case .z85: "Binary data that may also be given as Z85 text (CURVE keys: 32 bytes, or 40 Z85 characters)."
    }
  }

  /// The kind the man pages' type and unit give an option, or `nil` when
  /// no rule applies:
  ///
  /// - `ZMQ_FD` (socket) → `int32` whatever its type says (it is "int on
  ///   POSIX systems, SOCKET on Windows");
  /// - `int` → `int32`, or `bool` when the unit is `boolean`, `0, 1` or
  ///   `0,1` — except at context scope, where `zmq_ctx_get` returns an
  ///   `int` and every `int` option is `int32`;
  /// - `int64_t` → `int64`, `uint64_t` → `uint64`;
  /// - `binary data or Z85 text string` → `z85`, `binary data` → `bytes`;
  /// - `character string`, with any qualifier (`NULL-terminated character
  ///   string`) → `string`.
  ///
  /// Types are compared case-insensitively with whitespace collapsed.
  public static func derive(name: String, scope: OptionScope, type: String?, unit: String?) -> OptionValueKind? {
    if scope == .socket && name == "ZMQ_FD" { return .int32 }
    guard let type else { return nil }
    let normalized = Roff.normalizeWhitespace(type).lowercased()
    switch normalized {
    case "int":
      if scope == .context { return .int32 }
      return isBooleanUnit(unit) ? .bool : .int32
    case "int64_t": return .int64
    case "uint64_t": return .uint64
    case "binary data or z85 text string": return .z85
    case "binary data": return .bytes
    default:
      if normalized == "character string" || normalized.hasSuffix(" character string") { return .string }
      return nil
    }
  }

  /// Whether a unit marks an `int` option as a boolean: `boolean`, `0, 1`
  /// or `0,1` (spaces ignored, case-insensitive).
  public static func isBooleanUnit(_ unit: String?) -> Bool {
    guard let unit else { return false }
    let squeezed = unit.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }
    let text = String(String.UnicodeScalarView(squeezed))
    return text == "boolean" || text == "0,1"
  }
}
