/// Whether an item is part of libzmq's stable API or only declared when
/// `ZMQ_BUILD_DRAFT_API` is defined.
public enum Availability: String, Codable, Sendable, Comparable {
  case stable, draft
  public static func < (a: Self, b: Self) -> Bool { a == .stable && b == .draft }
}

/// What a macro definition turned out to be.
public enum MacroValue: Codable, Sendable, Equatable {
  /// An integer expression, evaluated.
  case integer(Int64)
  /// A string literal (or adjacent literals), unescaped.
  case string(String)
  /// A definition with no body (`#define ZMQ_HAVE_POLLER`).
  case empty
  /// A function-like macro: recorded with its parameters, never evaluated on its own.
  case functionLike(parameters: [String])
  /// A body that is not a constant expression; `reason` says why.
  case unevaluated(reason: String)
}

/// One `#define` of the header.
public struct MacroDefinition: Codable, Sendable, Equatable {
  public var name: String
  public var line: Int
  /// The body's tokens as written, joined by single spaces.
  public var body: String
  public var value: MacroValue
  public var availability: Availability
  /// The line of an `#undef` that removes this definition again (zmq.h
  /// undefines its ZMQ_EXPORT helper at the end); such a macro is not part
  /// of the header's interface.
  public var undefinedAt: Int? = nil

  public var integerValue: Int64? {
    if case .integer(let value) = value { return value }
    return nil
  }
}

public struct Parameter: Codable, Sendable, Equatable {
  public var name: String
  public var type: String
}

/// A function declaration of the header.
public struct FunctionDeclaration: Codable, Sendable, Equatable {
  public var name: String
  public var line: Int
  public var returnType: String
  public var parameters: [Parameter]
  public var availability: Availability
}

/// A struct declaration (fields are recorded only when the struct is defined).
public struct StructDeclaration: Codable, Sendable, Equatable {
  public var name: String
  public var line: Int
  public var fields: [Parameter]
  public var availability: Availability
}

public struct TypedefDeclaration: Codable, Sendable, Equatable {
  public var name: String
  public var line: Int
  public var underlyingType: String
  public var availability: Availability
}

public struct HeaderVersion: Codable, Sendable, Equatable, CustomStringConvertible {
  public var major: Int64, minor: Int64, patch: Int64
  public var description: String { "\(major).\(minor).\(patch)" }
}

/// A problem the generator found and reports instead of guessing.
public struct Diagnostic: Codable, Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Codable, Sendable { case warning, error }
  public var severity: Severity
  /// Where: `zmq.h:123`, a spec file and row, a man page.
  public var location: String
  public var message: String

  public init(_ severity: Severity, _ location: String, _ message: String) {
    self.severity = severity
    self.location = location
    self.message = message
  }

  public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Everything the generator knows about one `zmq.h`.
public struct HeaderModel: Codable, Sendable, Equatable {
  /// The header's file name (never an absolute path, so output is portable).
  public var header: String
  public var version: HeaderVersion?
  /// Definitions in the order the header gives them.
  public var macros: [MacroDefinition]
  public var functions: [FunctionDeclaration]
  public var structs: [StructDeclaration]
  public var typedefs: [TypedefDeclaration]
  public var diagnostics: [Diagnostic]
  /// Integer macros defined by headers the main header includes (errno.h,
  /// …), by name; used for the POSIX error codes the spec lists.
  public var systemIntegers: [String: Int64]

  /// The definition in effect at the end of the header, by name (nil when
  /// the last definition was `#undef`ined).
  public func macro(named name: String) -> MacroDefinition? {
    guard let last = macros.last(where: { $0.name == name }), last.undefinedAt == nil else { return nil }
    return last
  }

  /// The definitions in effect at the end of the header, in header order.
  public var finalMacros: [MacroDefinition] {
    let lastIndex = Dictionary(
      macros.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { _, b in b })
    return macros.enumerated().filter { lastIndex[$0.element.name] == $0.offset && $0.element.undefinedAt == nil }.map(
      \.element)
  }

  public func function(named name: String) -> FunctionDeclaration? {
    functions.first { $0.name == name }
  }
}
