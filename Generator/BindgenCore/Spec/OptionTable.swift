import Foundation

/// One option of the table: what the man pages say, after the reviewed
/// overrides, with the value kind derived from it.
public struct OptionRow: Codable, Equatable, Sendable {
  /// The C name, `ZMQ_LINGER`.
  public var name: String
  public var scope: OptionScope
  /// The heading's text after the colon, from the set page when both pages
  /// document the option.
  public var summary: String
  /// The type as documented: `int`, `int64_t`, `uint64_t`, `character
  /// string`, `binary data`, `binary data or Z85 text string`,
  /// `NULL-terminated character string`, … For context options, whose pages
  /// have no type row, the type of the value in the page's SYNOPSIS (`int`).
  public var type: String
  public var unit: String?
  public var defaultValue: String?
  /// As documented: `all`, `N/A`, `ZMQ_SUB, ZMQ_XSUB`, …
  public var socketTypes: String?
  /// Documented in `zmq_setsockopt.3` / `zmq_ctx_set.3`.
  public var settable: Bool
  /// Documented in `zmq_getsockopt.3` / `zmq_ctx_get.3`.
  public var gettable: Bool
  /// The header defines the macro only with `ZMQ_BUILD_DRAFT_API`.
  public var draft: Bool
  public var kind: OptionValueKind
  /// The page says the option (or its name) is deprecated.
  public var deprecated: Bool
  /// For a deprecated alias (`ZMQ_IDENTITY`), the option it names
  /// (`ZMQ_ROUTING_ID`); its type, unit, default and socket types are the
  /// target's.
  public var aliasOf: String?

  public init(
    name: String, scope: OptionScope, summary: String, type: String, unit: String? = nil,
    defaultValue: String? = nil, socketTypes: String? = nil, settable: Bool, gettable: Bool, draft: Bool = false,
    kind: OptionValueKind, deprecated: Bool = false, aliasOf: String? = nil
  ) {
    self.name = name
    self.scope = scope
    self.summary = summary
    self.type = type
    self.unit = unit
    self.defaultValue = defaultValue
    self.socketTypes = socketTypes
    self.settable = settable
    self.gettable = gettable
    self.draft = draft
    self.kind = kind
    self.deprecated = deprecated
    self.aliasOf = aliasOf
  }
}

/// A reviewed correction to what the man pages say, from
/// `spec/option-overrides.yaml`. Every field but `name`, `scope` and
/// `reason` is optional; the ones given replace the documented values.
public struct OptionOverride: Codable, Equatable, Sendable {
  public var name: String
  public var scope: OptionScope
  public var summary: String?
  public var type: String?
  public var unit: String?
  public var defaultValue: String?
  public var socketTypes: String?
  public var settable: Bool?
  public var gettable: Bool?
  public var kind: OptionValueKind?
  public var deprecated: Bool?
  public var aliasOf: String?
  /// The header defines the option but no page documents it: add a row.
  public var add: Bool
  /// A page documents the option but it should not be in the table (for
  /// example because the header lacks it): drop the row.
  public var remove: Bool
  /// Why the documentation is overridden. Required and non-empty.
  public var reason: String

  public init(
    name: String, scope: OptionScope, summary: String? = nil, type: String? = nil, unit: String? = nil,
    defaultValue: String? = nil, socketTypes: String? = nil, settable: Bool? = nil, gettable: Bool? = nil,
    kind: OptionValueKind? = nil, deprecated: Bool? = nil, aliasOf: String? = nil, add: Bool = false,
    remove: Bool = false, reason: String
  ) {
    self.name = name
    self.scope = scope
    self.summary = summary
    self.type = type
    self.unit = unit
    self.defaultValue = defaultValue
    self.socketTypes = socketTypes
    self.settable = settable
    self.gettable = gettable
    self.kind = kind
    self.deprecated = deprecated
    self.aliasOf = aliasOf
    self.add = add
    self.remove = remove
    self.reason = reason
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, scope, summary, type, unit, defaultValue, socketTypes, settable, gettable, kind, deprecated, aliasOf
    case add, remove, reason
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try c.decode(String.self, forKey: .name), scope: try c.decode(OptionScope.self, forKey: .scope),
      summary: try c.decodeIfPresent(String.self, forKey: .summary),
      type: try c.decodeIfPresent(String.self, forKey: .type), unit: try c.decodeIfPresent(String.self, forKey: .unit),
      defaultValue: try c.decodeIfPresent(String.self, forKey: .defaultValue),
      socketTypes: try c.decodeIfPresent(String.self, forKey: .socketTypes),
      settable: try c.decodeIfPresent(Bool.self, forKey: .settable),
      gettable: try c.decodeIfPresent(Bool.self, forKey: .gettable),
      kind: try c.decodeIfPresent(OptionValueKind.self, forKey: .kind),
      deprecated: try c.decodeIfPresent(Bool.self, forKey: .deprecated),
      aliasOf: try c.decodeIfPresent(String.self, forKey: .aliasOf),
      add: try c.decodeIfPresent(Bool.self, forKey: .add) ?? false,
      remove: try c.decodeIfPresent(Bool.self, forKey: .remove) ?? false,
      reason: try c.decode(String.self, forKey: .reason))
  }
}

/// The option table: every socket and context option, sorted by scope
/// (socket, then context) and then by C name.
public struct OptionTable: Codable, Equatable, Sendable {
  /// Where the rows come from, from the pages' `.TH` line: `libzmq 4.3.4
  /// man pages`.
  public var source: String
  public var rows: [OptionRow]

  public init(source: String, rows: [OptionRow]) {
    self.source = source
    self.rows = rows
  }

  public func row(_ name: String, scope: OptionScope) -> OptionRow? {
    rows.first { $0.name == name && $0.scope == scope }
  }

  /// Rows in canonical order: socket before context, then by C name.
  public static func sorted(_ rows: [OptionRow]) -> [OptionRow] {
    rows.sorted { a, b in
      if a.scope != b.scope { return a.scope == .socket }
      return a.name < b.name
    }
  }
}

/// What the option builder needs to know about one `ZMQ_*` macro of the
/// header — plain data, so the builder does not depend on libclang.
public struct HeaderMacroFact: Equatable, Sendable {
  public var name: String
  /// The evaluated integer value, or `nil` for macros that are not integers.
  public var value: Int64?
  /// Defined only with `ZMQ_BUILD_DRAFT_API`.
  public var draft: Bool
  /// The line of the `#define` (0 when unknown). Consecutive lines form the
  /// groups used to recognise undocumented option macros.
  public var line: Int
  /// When the body is just another macro's name (`#define ZMQ_IDENTITY
  /// ZMQ_ROUTING_ID`), that name.
  public var aliasOf: String?

  public init(name: String, value: Int64?, draft: Bool = false, line: Int = 0, aliasOf: String? = nil) {
    self.name = name
    self.value = value
    self.draft = draft
    self.line = line
    self.aliasOf = aliasOf
  }

  /// The `ZMQ_*` object-like macros of a header model, in header order, one
  /// per name (the definition in effect at the end of the header).
  public static func facts(from model: HeaderModel) -> [HeaderMacroFact] {
    var lastIndex: [String: Int] = [:]
    for (index, macro) in model.macros.enumerated() { lastIndex[macro.name] = index }
    let names = Set(model.macros.map(\.name))
    var facts: [HeaderMacroFact] = []
    for (index, macro) in model.macros.enumerated() where lastIndex[macro.name] == index {
      guard macro.name.hasPrefix("ZMQ_") else { continue }
      if case .functionLike = macro.value { continue }
      let body = macro.body.trimmingCharacters(in: .whitespaces)
      let alias =
        body.hasPrefix("ZMQ_") && body != macro.name && names.contains(body)
          && body.unicodeScalars.allSatisfy(ManPageReader.isNameScalar) ? body : nil
      facts.append(
        HeaderMacroFact(
          name: macro.name, value: macro.integerValue, draft: macro.availability == .draft, line: macro.line,
          aliasOf: alias))
    }
    return facts
  }
}
